"""Benchmarks: figures measured beside their anchors in the same run."""
