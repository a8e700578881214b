"""Benchmark and test support: GENERATED data only, never part of the embedded default."""
