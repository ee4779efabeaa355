"""Benchmarks: run from the repository root; each prints figures and asserts nothing."""
