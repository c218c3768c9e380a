"""The stance map (issues 14, 19): the matrix of holders × targets, evidence, timeline and network."""
from .query import (
                    ALL,
                    MIXED,
                    Cell,
                    Evidence,
                    Scope,
                    StanceMap,
                    build_map,
                    date_interval,
                    describe_scope,
                    display_type,
                    evidence,
                    resolve_scope,
                    timeline,
)

__all__ = ["ALL", "MIXED", "Cell", "Evidence", "Scope", "StanceMap", "build_map", "date_interval", "describe_scope",
           "display_type", "evidence", "resolve_scope", "timeline"]
