"""The actions: each public method is one user action that returns a ``Change``."""
