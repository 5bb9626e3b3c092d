"""caucmap: an evidence-backed map of Georgia's breakaway regions.

Data flows one way: ``seeds/`` and ``catalogue/`` are loaded and verified
(:mod:`caucmap.evidence`), turned into framework-neutral layers
(:mod:`caucmap.layers`), and rendered by folium, matplotlib or as GeoJSON/CSV.
"""

__version__ = "0.1.0"
