"""The actions: each public method is one user action that returns a ``Change``."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..store.base import ProjectBase

    class OnStore(ProjectBase):
        """What a group of actions needs: the store it is mixed into (its connection, readers,
        scheme, ``action``, ``log_registry``); for the type checker only."""
else:
    class OnStore:
        """A group of actions mixed into ``Project``; it needs the store's connection, readers,
        scheme, ``action`` and ``log_registry`` (``store.base.ProjectBase``, which a type
        checker sees here)."""
