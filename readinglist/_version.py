"""The single place the version lives (read by the CLI, the window and the packaging)."""

__version__ = "0.1.0"
