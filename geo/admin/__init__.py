"""Boundaries, caches, the registry of units of both eras, names and borders."""
