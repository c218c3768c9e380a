"""The stance map (issue 14): the matrix of holders × targets, evidence, timeline and network."""
from .query import ALL, MIXED, Cell, Evidence, Scope, StanceMap, build_map, date_interval, evidence, timeline

__all__ = ["ALL", "MIXED", "Cell", "Evidence", "Scope", "StanceMap", "build_map", "date_interval", "evidence",
           "timeline"]
