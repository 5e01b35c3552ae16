"""Helpers shared by test modules: seeds, simulated users and channels, and their fixtures
(`from tests.kits import citizen as kit`). Test modules import these, never each other."""
