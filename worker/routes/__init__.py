"""The worker's HTTP endpoints, one module per area."""
