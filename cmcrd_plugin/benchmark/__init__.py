"""Benchmark harness: CMCRD students against the toolkits' native models."""
