"""Fault drills: tools that break the outside world on purpose, on loopback only."""
