"""Renderers of a view model (:mod:`geo.views.model`): the offline folium maps (``maps``, ``webmap``,
``layers``, ``reference_layers``), the static PNG/PDF exports (``static_scene``, ``static_maps``,
``briefing``) and the CSV/XLSX downloads (``downloads``). A renderer never computes a figure."""
