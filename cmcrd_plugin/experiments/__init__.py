"""Runnable experiments: the demo and its reporting."""
