"""The Qt-free core: feed parsing, the database, duplicates, search, export and the services.

Nothing under this package may import Qt, the window layer or the command-line layer: they
build on the core, never the other way round (tests/test_architecture.py enforces it).
"""
