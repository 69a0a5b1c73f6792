"""`gigflow demo`: the marketplace story, told offline against the real worker."""
