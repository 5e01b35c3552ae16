"""The test suite, a package so that test modules import the shared helpers of `tests.kits`."""
