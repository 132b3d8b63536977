"""smokegen: catch the import errors, cycles, missing dependencies and crashing constructors that mocked tests miss."""

__version__ = "0.1.0"
