"""What the evaluator knows of a value: a literal, an environment lookup, a container, or nothing.

A setting can hold one of several values (branches, fallbacks), so the evaluator works with lists
of alternatives. Every value remembers the libcst node that wrote it and the index of the
top-level statement holding that node, so a finding can be placed without position metadata for
the whole module.
"""

from __future__ import annotations

from typing import Any, Dict, Hashable, List, Optional, Tuple

#: Branch choices a value depends on: ((branch id, arm), ...). Two values whose paths pick
#: different arms of one branch never exist together.
Path = Tuple[Tuple[int, int], ...]


class Value:
    """Base of all abstract values."""

    __slots__ = ("node", "stmt", "path", "fallback_of", "fallback_node")

    def __init__(self, node: Any, stmt: int, path: Path = ()) -> None:
        self.node = node
        self.stmt = stmt
        self.path = path
        #: Environment variable this value stands in for when it is unset (a lookup's default).
        self.fallback_of: Optional[str] = None
        #: The default literal as written, for findings about the fallback itself.
        self.fallback_node: Any = None

    def mark_fallback(self, var: str, node: Any) -> "Value":
        if self.fallback_of is None:
            self.fallback_of = var
            self.fallback_node = node
        return self


class Lit(Value):
    """A Python value known exactly: str, bytes, int, float, bool or None."""

    __slots__ = ("value",)

    def __init__(self, value: Any, node: Any, stmt: int, path: Path = ()) -> None:
        super().__init__(node, stmt, path)
        self.value = value

    def derive(self, value: Any, node: Any, stmt: int, path: Path) -> "Lit":
        """A literal computed from this one keeps its fallback origin."""
        out = Lit(value, node, stmt, path)
        out.fallback_of, out.fallback_node = self.fallback_of, self.fallback_node
        return out

    def __repr__(self) -> str:  # never used in messages: values may be secrets
        return f"Lit({type(self.value).__name__})"


#: Kinds of environment-derived values.
ENV_STR, ENV_LIST, ENV_BOOL, ENV_INT, ENV_FLOAT, ENV_TRUTHY = (
    "str", "list", "bool", "int", "float", "truthy-str",
)


class Env(Value):
    """The content of an environment variable that is set, possibly transformed.

    Its text is unknown; two values with the same ``ident`` (same variable, same default, same
    operations) are equal in every deployment.
    """

    __slots__ = ("var", "ident", "kind")

    def __init__(self, var: str, ident: Hashable, kind: str, node: Any, stmt: int,
                 path: Path = ()) -> None:
        super().__init__(node, stmt, path)
        self.var = var
        self.ident = ident
        self.kind = kind

    def derive(self, op: Hashable, kind: str, node: Any, stmt: int, path: Path) -> "Env":
        return Env(self.var, (self.ident, op), kind, node, stmt, path)

    def __repr__(self) -> str:
        return f"Env({self.var}, {self.kind})"


class Absent(Value):
    """A dict key that some paths through the file never set: NetBox then uses its default."""

    __slots__ = ()


def as_fallback(value: Value, var: str) -> Value:
    """A copy of a default literal marked as standing in for the unset variable ``var``."""
    if isinstance(value, Lit) and value.fallback_of is None:
        copy = Lit(value.value, value.node, value.stmt, value.path)
        return copy.mark_fallback(var, value.node)
    return value


class Slot:
    """One possible value of a name or dict entry, and where it was written there."""

    __slots__ = ("value", "node", "stmt", "path", "binding")

    def __init__(self, value: Value, node: Any, stmt: int, path: Path,
                 binding: Any = None) -> None:
        self.value = value
        self.node = node
        self.stmt = stmt
        self.path = path
        #: The evaluator's ``Binding`` of a module-level name this slot belongs to (None for
        #: dict entries): reads of the name are recorded there.
        self.binding = binding


class Entry:
    """A dict key with its possible values."""

    __slots__ = ("key_node", "key_stmt", "slots")

    def __init__(self, key_node: Any, key_stmt: int, slots: List[Slot]) -> None:
        self.key_node = key_node
        self.key_stmt = key_stmt
        self.slots = slots

    def values(self) -> List[Value]:
        return [slot.value for slot in self.slots]


class DictV(Value):
    """A dict built in the file. ``open`` means it may hold entries the evaluator cannot see."""

    __slots__ = ("entries", "open")

    def __init__(self, node: Any, stmt: int, path: Path = ()) -> None:
        super().__init__(node, stmt, path)
        self.entries: Dict[Hashable, Entry] = {}
        self.open = False

    def __repr__(self) -> str:
        return f"DictV({list(self.entries)!r}, open={self.open})"


class ListV(Value):
    """A list, tuple or set built in the file; each position holds alternatives."""

    __slots__ = ("items", "open", "kind")

    def __init__(self, kind: str, node: Any, stmt: int, path: Path = ()) -> None:
        super().__init__(node, stmt, path)
        self.kind = kind  # "list", "tuple" or "set"
        self.items: List[List[Value]] = []
        self.open = False


class Ref(Value):
    """Something callable or a namespace the evaluator understands (``os``, ``os.environ``)."""

    __slots__ = ("qualname", "receiver")

    def __init__(self, qualname: str, node: Any, stmt: int, receiver: Optional[List[Value]] = None,
                 path: Path = ()) -> None:
        super().__init__(node, stmt, path)
        self.qualname = qualname
        #: For bound methods (``x.split``): the alternatives of ``x``.
        self.receiver = receiver


class Unknown(Value):
    """Anything the evaluator does not follow: never judged by a rule."""

    __slots__ = ()


class Imported(Unknown):
    """A name the file uses but never binds, after ``from .base import *``: the base's value,
    unknown, until the file writes into it as a dict (``DATABASE['PASSWORD'] = ...``)."""

    __slots__ = ("name",)

    def __init__(self, name: str, node: Any, stmt: int, path: Path = ()) -> None:
        super().__init__(node, stmt, path)
        self.name = name


class Function(Unknown):
    """A helper function defined in the file whose body is one ``return`` expression: the
    evaluator evaluates that expression at each call (to rules it is as unknown as any other
    function). ``params`` are the ``cst.Param`` nodes, ``body`` the returned expression."""

    __slots__ = ("params", "positional", "body")

    def __init__(self, params: List[Any], positional: int, body: Any, node: Any, stmt: int,
                 path: Path = ()) -> None:
        super().__init__(node, stmt, path)
        self.params = params
        #: How many of ``params`` may be given by position (the rest are keyword-only).
        self.positional = positional
        self.body = body


def compatible(*paths: Path) -> bool:
    """Can values depending on these branch choices exist in one run of the file?"""
    seen: Dict[int, int] = {}
    for path in paths:
        for branch, arm in path:
            if seen.setdefault(branch, arm) != arm:
                return False
    return True


def join(*paths: Path) -> Path:
    """The branch choices a value built from values with these paths depends on."""
    out: Dict[int, int] = {}
    for path in paths:
        out.update(path)
    return tuple(out.items())
