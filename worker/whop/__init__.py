"""Whop: the API client the worker uses and the offline emulator that stands in for it."""
