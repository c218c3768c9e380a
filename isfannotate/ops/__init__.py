"""The actions, in parts: each public method of a part is one user action that returns a ``Change``.

A part is built with the store it works on (``store.base.ProjectBase``: the session's
``action``, ``snapshot`` and ``log_registry``, the readers and the scheme) and, where it builds
on another part, with that part; it reaches nothing else. ``Project`` holds one of each
(``project.span_actions``, ``project.claim_actions``, ...) and forwards its flat public methods
to them (``forward``), so ``project.annotate(...)`` is ``project.span_actions.annotate(...)``.
A part also works on a bare store, without a ``Project``.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, ClassVar, Concatenate, Generic, ParamSpec, TypeVar, overload

from ..errors import ProjectError

if TYPE_CHECKING:
    from ..store.base import ProjectBase

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T", bound="Part")


class Part:
    """A group of actions on one store. Its public methods take the store's connection guard
    (``store.session.guard_public_methods``), so any thread may call them."""

    #: public methods that serve the other parts (inside their actions), not forwarded by ``Project``
    for_parts: ClassVar[tuple[str, ...]] = ()

    def __init__(self, store: ProjectBase) -> None:
        self.store = store

    def _using(self) -> AbstractContextManager[sqlite3.Connection]:
        """The guard ``guard_public_methods`` wraps each public method in: the store's."""
        return self.store.connection_guard()

    @property
    def conn(self) -> sqlite3.Connection:
        """The store's connection, for the reads an action makes inside its guard."""
        conn = self.store.conn
        if conn is None:
            raise ProjectError(f"{self.store.path}: the project is closed")
        return conn


class forward(Generic[T, P, R]):
    """A method of ``Project`` that is a method of one of its parts: ``annotate =
    forward("span_actions", SpanActions.annotate)`` makes ``project.annotate(...)`` call
    ``project.span_actions.annotate(...)``, with the same signature for a type checker and the
    same docstring for ``help()``. The part takes the guard itself."""

    def __init__(self, part: str, method: Callable[Concatenate[T, P], R]) -> None:
        self.part = part
        self.method = method
        self.__doc__ = method.__doc__
        self.name = method.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        if name != self.method.__name__:
            raise TypeError(f"{owner.__name__}.{name} forwards to {self.method.__qualname__}: use the same name")

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> forward[T, P, R]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> Callable[P, R]: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        bound: Callable[P, R] = getattr(getattr(obj, self.part), self.name)
        return bound
