"""Whop: the API client the worker uses, its OAuth client, and Whop's wire format."""
