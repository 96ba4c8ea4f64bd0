"""diagnose: process diagnosis toolkit."""
__version__ = "0.1.0"
