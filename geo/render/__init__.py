"""Renderers: the offline folium maps, static PNG/PDF maps and briefing layout."""
