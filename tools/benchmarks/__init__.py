"""Benchmark scripts: figures printed by `zwbot bench …`, never timed tests."""
