"""Figures and statistics: metrics, classes, hotspots, change, corridors, prevention, suppression."""
