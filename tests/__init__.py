"""The test suite, a package so its modules import the shared ones as ``tests.<module>``."""
