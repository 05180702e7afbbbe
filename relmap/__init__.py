"""relmap: a relationship map for B2B account teams."""

__version__ = "0.1.0"
