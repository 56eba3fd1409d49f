"""Where names and container entries are bound, and the state every part of the walk shares.

``Walker`` is the base of the evaluator's mixins: it holds the walk's state (names in scope,
branch path, statement index, loop depth) and the stores into names, dict entries and lists.
It declares the calls the other modules provide (``eval``, ``exec_block``, ``combine``,
``env_lookup``, ``convert``) so each mixin is readable on its own.
"""

from __future__ import annotations

import copy
import os
import unicodedata
from contextlib import contextmanager
from typing import Any, Dict, FrozenSet, Iterable, Iterator, List, Optional, Set, Tuple

import libcst as cst

from flake8_netbox.cst_nodes import children, fields, is_branch, walk

from flake8_netbox.values import (Absent, DictV, Entry, Imported, Lit, ListV, Path, Slot, Unknown,
                                  Value)

#: Most alternatives one expression may produce before it is given up as unknown, and most
#: values a name or a dict entry keeps (one per branch, loop or write that may have set it):
#: beyond, the name or entry holds one unknown value (with "may be absent" kept), so that 2,000
#: ``if`` blocks writing REDIS keys cost 2,000 writes, not 2,000 x 2,000 comparisons.
MAX_ALTERNATIVES = 16
#: The one size bound on every value the evaluator builds (a 5 MB literal written in the file
#: is still read): characters of a string or bytes, items of a tuple, list or set, entries of
#: a dict. ``+``, ``*``, ``%``, ``.join``, ``.replace``, ``.format``, f-strings, ``+=``,
#: ``.extend``/``.append`` and self-reference (``L += L``) give an unknown value (or an open
#: container) rather than anything larger; see ``too_large``.
MAX_BUILT_SIZE = 100_000
#: Set by the test suite: a libcst node type the evaluator neither follows nor lists as opaque
#: raises instead of silently becoming unknown (production keeps degrading to ``Unknown``).
STRICT = os.environ.get("FLAKE8_NETBOX_STRICT") == "1"
#: Node types the evaluator deliberately does not follow (their names are still scanned for
#: reads): statements with no module-level effect it models, and expressions whose value it
#: leaves unknown.
OPAQUE = frozenset({
    "Pass", "Break", "Continue", "Return", "Assert", "Global", "Nonlocal", "TypeAlias",
    "Lambda", "Await", "Yield", "GeneratorExp", "ListComp", "SetComp", "DictComp",
    "Imaginary", "Ellipsis", "StarredElement", "Slice",
})

#: Marks "no key the evaluator can follow" (a missing or unhashable dict key).
_NO_KEY = object()


#: How a module-level name is bound (chosen in one place, ``bind_name``'s callers).
ASSIGN, AUG_ASSIGN, IMPORT, STAR_IMPORT, DEFINITION, LOOP_TARGET, WITH_TARGET, \
    FUNCTION_GLOBAL = ("assign", "augmented-assign", "import", "star-import", "definition",
                       "loop-target", "with-target", "function-global")


class Binding:
    """One place where a module-level name is bound, as pyflakes records it.

    ``node`` is the target as written (a ``cst.Name`` for assignments, definitions, loop and
    with targets; the import alias for ``from m import x``; None for a ``global`` statement in a
    function), ``stmt`` the index of the top-level statement holding it, ``path`` the branch
    choices it depends on, and ``reads`` the ``cst.Name`` nodes of module-level code that read
    this binding (reads inside function bodies are found by ``Facts.is_read``).
    """

    __slots__ = ("name", "kind", "node", "stmt", "path", "reads")

    def __init__(self, name: str, kind: str, node: Any, stmt: int, path: Path) -> None:
        self.name = name
        self.kind = kind
        self.node = node
        self.stmt = stmt
        self.path = path
        self.reads: List[Any] = []

    def __repr__(self) -> str:
        return f"Binding({self.name}, {self.kind}, stmt={self.stmt})"


def identifier(text: str) -> str:
    """A name as Python binds it: NFKC-normalised (PEP 3131), so ``ＤＥＢＵＧ`` is ``DEBUG``."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


#: Children of these nodes that are not reads of a name (targets, parameter and keyword names).
_NOT_READ_FIELDS = {
    "Attribute": ("attr",), "Arg": ("keyword",), "Param": ("name",), "FunctionDef": ("name",),
    "ClassDef": ("name",), "ImportAlias": ("name", "asname"), "ImportFrom": ("module",),
    "Import": ("names",), "Global": ("names",), "Nonlocal": ("names",), "AsName": ("name",),
    "CompFor": ("target",), "For": ("target",), "NamedExpr": ("target",),
    "AnnAssign": ("target",), "AssignTarget": ("target",), "Del": ("target",),
    "MatchAs": ("name",), "MatchStar": ("name",), "MatchMapping": ("rest",),
}


def name_loads(node: Any, own: FrozenSet[str] = frozenset()) -> Set[str]:
    """Names read anywhere inside ``node`` (NFKC-normalised), without evaluating it.

    As the walk counts them (see ``Walker.not_reading``): a plain name target, parameter,
    keyword or imported name is not a read; a name read only in the value of an assignment to
    itself (``X = X.strip()``, ``X += 1``) or written into (``X[k] = v``, ``del X[k]``,
    ``X.append(v)``) is not read either.
    """
    out: Set[str] = set()
    stack: List[Tuple[Any, FrozenSet[str]]] = [(node, own)]
    while stack:
        current, own = stack.pop()
        if isinstance(current, cst.Name):
            name = identifier(current.value)
            if name not in own:
                out.add(name)
            continue
        if not is_branch(current):  # not a node, or whitespace, punctuation, a literal
            continue
        if isinstance(current, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            targets = [t.target for t in current.targets] if isinstance(current, cst.Assign) \
                else [current.target]
            names = frozenset(identifier(n.value) for t in targets for n in _names_in(t))
            stack.extend((part, own) for t in targets for part in _target_reads(t))
            if current.value is not None:
                stack.append((current.value, names))
            continue
        written = _written_container(current)
        if written is not None:
            stack.extend((child, own) for child in children(current) if child is not written)
            continue
        skip = _NOT_READ_FIELDS.get(type(current).__name__, ())
        for field in fields(current):
            child = getattr(current, field)
            if field in skip:
                if isinstance(child, (cst.Name, type(None))):
                    continue  # a plain name target or a name that is not read
                # Subscript/attribute/tuple targets read their bases, not their names.
                stack.extend((part, own) for part in _target_reads(child))
                continue
            if isinstance(child, (list, tuple)):
                stack.extend((item, own) for item in child)
            else:
                stack.append((child, own))
    return out


def _names_in(target: Any) -> List[cst.Name]:
    """Every ``Name`` node inside ``target`` (itself included), in source order."""
    return [node for node in walk(target) if isinstance(node, cst.Name)]


#: Methods that change the list, dict or set they are called on: calling one writes into the
#: container, it does not read it for anything else.
MUTATORS = frozenset({"append", "extend", "insert", "update", "setdefault", "pop", "remove",
                      "discard", "add", "clear"})


def written_container(node: Any) -> Optional[cst.Name]:
    """The name ``node`` writes into: ``X`` of ``X[k] = v``/``del X[k]`` (given the target) or
    of the method in ``X.append(v)`` (given the call); else None."""
    if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name):
        return node.value
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and \
            node.func.attr.value in MUTATORS and isinstance(node.func.value, cst.Name):
        return node.func.value
    return None


def _written_container(node: Any) -> Any:
    """The child of a call of a mutator (``X.append``) that names the container written into;
    None for any other node (subscript targets are handled by ``_target_reads``)."""
    if isinstance(node, cst.Call) and written_container(node) is not None:
        return node.func
    return None


def _target_reads(target: Any) -> List[Any]:
    """The parts of an assignment target that are read: indexes of subscripts, bases of
    attributes (the container of ``X[k] = v`` is written into, not read)."""
    if isinstance(target, cst.Subscript):
        return list(target.slice) + ([] if isinstance(target.value, cst.Name) else [target.value])
    if isinstance(target, cst.Attribute):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [r for element in target.elements for r in _target_reads(element.value)]
    if isinstance(target, cst.StarredElement):
        return _target_reads(target.value)
    return []


class Walker:
    """Shared state and stores of the abstract interpreter (see ``Evaluator``)."""

    names: Dict[str, List[Slot]]
    sites: Dict[str, List[Binding]]
    read_names: Set[str]
    deferred: List[Tuple[Any, FrozenSet[str]]]
    path: Path
    stmt: int
    loop_depth: int
    _branches: int
    raised: bool
    netbox_version: Optional[str]  # NetBox's VERSION for the target release
    star_import: Optional[Tuple[Any, int, Path]]  # the first ``from m import *``
    call_depth: int
    own: FrozenSet[str]
    world: Any  # facts.OpenWorld
    ldap_options: List[Tuple[List[Value], List[Value]]]

    # -- provided by the other mixins -------------------------------------------------------------

    def eval(self, node: Any) -> List[Value]:
        raise NotImplementedError

    def exec_block(self, block: Any) -> None:
        raise NotImplementedError

    def combine(self, op: Any, lefts: List[Value], rights: List[Value], node: Any) -> List[Value]:
        raise NotImplementedError

    def env_lookup(self, node: Any, keys: List[Value], default: Any) -> List[Value]:
        raise NotImplementedError

    def convert(self, name: str, value: Value, node: Any) -> Value:
        raise NotImplementedError

    # -- the walk's own checks --------------------------------------------------------------------

    @contextmanager
    def not_reading(self, names: FrozenSet[str]) -> Iterator[None]:
        """While evaluating the value assigned to ``names`` (or the container written into),
        reads of ``names`` are not recorded: they only feed the name itself."""
        outer = self.own
        self.own = outer | names
        try:
            yield
        finally:
            self.own = outer

    def defer(self, node: Any) -> None:
        """Code the walk does not evaluate, to be scanned for reads if a rule asks (with the
        names whose reads are not recorded at this point, see ``not_reading``)."""
        self.deferred.append((node, self.own))

    def decide(self, test: Any) -> Optional[bool]:
        """The truth of a branch test when every run of the file gives the same one: all its
        values are literals (or closed containers) that no environment variable stands in for,
        and nothing may rebind names behind the walk's back. None otherwise."""
        values = self.eval(test)
        truths = {_truth(value) if value.fallback_of is None else None for value in values}
        if len(truths) != 1 or None in truths or self.world.rebinding:
            return None
        if self.world.global_names and name_loads(test) & self.world.global_names:
            return None  # a function the file calls may have changed it
        return truths.pop()

    def not_followed(self, node: Any) -> None:
        """A statement the walk does not run: scanned for reads later; under
        ``FLAKE8_NETBOX_STRICT=1`` (the test suite) a node type nobody listed is an error, so a
        new libcst node type cannot be ignored silently."""
        self.defer(node)
        if STRICT and type(node).__name__ not in OPAQUE:
            raise NotImplementedError(f"the evaluator does not handle {type(node).__name__}")

    def definition_value(self, node: Any) -> Value:
        raise NotImplementedError

    # -- values ----------------------------------------------------------------------------------

    def unknown(self, node: Any) -> Unknown:
        return Unknown(node, self.stmt, self.path)

    def lit(self, value: Any, node: Any) -> Lit:
        return Lit(value, node, self.stmt, self.path)

    # -- binding ---------------------------------------------------------------------------------

    def bind_target(self, target: cst.BaseExpression, values: List[Value], value_node: Any,
                    kind: str = ASSIGN) -> None:
        if isinstance(target, cst.Name):
            self.bind_name(target.value, values, value_node, target, kind)
        elif isinstance(target, cst.Subscript):
            self.assign_item(target, values, value_node)
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            source = values[0] if len(values) == 1 else None
            fits = (isinstance(source, ListV) and not source.open
                    and len(source.items) == len(elements)
                    and not any(isinstance(e, cst.StarredElement) for e in elements))
            for index, element in enumerate(elements):
                inner = element.value
                parts = source.items[index] if fits and isinstance(source, ListV) else \
                    [self.unknown(inner)]
                self.bind_target(inner, parts, inner, kind)

    def bind_name(self, name: str, values: List[Value], value_node: Any,
                  target: Any = None, kind: str = ASSIGN) -> Binding:
        name = identifier(name)
        binding = Binding(name, kind, target or value_node, self.stmt, self.path)
        self.sites.setdefault(name, []).append(binding)
        slots = [Slot(value, value_node, self.stmt, self.path, binding) for value in values]
        if self.loop_depth:  # other iterations may bind something else
            slots = _union(self.names.get(name, []), slots + [
                Slot(self.unknown(value_node), value_node, self.stmt, self.path, binding)])
        self.names[name] = slots
        return binding

    def assign_item(self, target: cst.Subscript, values: List[Value], value_node: Any) -> None:
        key_node = _single_index(target)
        with self.not_reading(_own(target.value)):
            containers = self.eval(target.value)
        keys = self.eval(key_node) if key_node is not None else [self.unknown(target)]
        key = keys[0].value if len(keys) == 1 and isinstance(keys[0], Lit) else _NO_KEY
        strong = len(containers) == 1
        for container in containers:
            if isinstance(container, Imported):
                container = self.written_dict(container)
            if isinstance(container, DictV):
                if key is _NO_KEY or not _hashable(key):
                    container.open = True
                else:
                    self.set_entry(container, key, key_node, values, value_node, strong)
            elif isinstance(container, ListV):
                container.open = True

    def set_entry(self, container: DictV, key: Any, key_node: Any, values: List[Value],
                  value_node: Any, strong: bool = True) -> None:
        slots = [Slot(value, value_node, self.stmt, self.path) for value in values]
        in_place = strong and container.path == self.path and not self.loop_depth
        entry = container.entries.get(key)
        if in_place or entry is None and container.path == self.path and not self.loop_depth:
            container.entries[key] = Entry(key_node, self.stmt, slots)
            return
        if entry is None:
            absent = Absent(container.node, container.stmt, container.path)
            entry = Entry(key_node, self.stmt, [Slot(absent, container.node, container.stmt, ())])
            container.entries[key] = entry
        entry.slots = _union(entry.slots, slots)
        if self.loop_depth:
            container.open = True

    def written_dict(self, value: Imported) -> DictV:
        """The star-imported name written into as a dict: from now on an open dict (the
        base's entries are unknown, those written here are seen), bound by the star import."""
        star, stmt, path = self.star_import or (value.node, value.stmt, value.path)
        slots = self.names.get(value.name)
        if slots and len(slots) == 1 and isinstance(slots[0].value, DictV):
            return slots[0].value
        container = DictV(star, stmt, path)
        container.open = True
        binding = Binding(value.name, STAR_IMPORT, star, stmt, path)
        self.names[value.name] = [Slot(container, star, stmt, path, binding)]
        return container

    def update_dict(self, container: DictV, args: List[Value], node: Any) -> None:
        source = args[0] if len(args) == 1 else None
        if not isinstance(source, DictV):
            container.open = True
            return
        for key, entry in source.entries.items():
            self.set_entry(container, key, entry.key_node, entry.values(), node)
        container.open = container.open or source.open

    def extend_list(self, container: ListV, args: List[Value], node: Any) -> None:
        source = args[0] if len(args) == 1 else None
        if isinstance(source, ListV) and \
                len(container.items) + len(source.items) <= MAX_BUILT_SIZE:
            items = [list(alternatives) for alternatives in source.items]  # L.extend(L) too
            container.items.extend(items)
            container.open = container.open or source.open
        else:  # unknown items, or more of them than MAX_BUILT_SIZE
            container.open = True
        if self.loop_depth or container.path != self.path:
            container.open = True

    def copy_dict(self, source: DictV, node: Any) -> DictV:
        result = DictV(node, self.stmt, self.path)
        for key, entry in source.entries.items():
            result.entries[key] = Entry(entry.key_node, entry.key_stmt, list(entry.slots))
        result.open = source.open
        return result


def _single_index(node: cst.Subscript) -> Optional[cst.BaseExpression]:
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        return node.slice[0].slice.value
    return None


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _union(first: List[Slot], second: Iterable[Slot]) -> List[Slot]:
    """The alternatives of both, each once; beyond MAX_ALTERNATIVES one unknown value (placed
    at the last write) stands for all of them, keeping whether the entry may be absent."""
    seen = {(id(s.value), id(s.node)) for s in first}
    out = list(first)
    for slot in second:
        key = (id(slot.value), id(slot.node))
        if key not in seen:
            seen.add(key)
            out.append(slot)
    if len(out) > MAX_ALTERNATIVES:
        last = out[-1]
        absent = [s for s in out if isinstance(s.value, Absent)][:1]
        unknown = copy.copy(last)
        unknown.value = Unknown(last.node, last.stmt, last.path)
        out = absent + [unknown]
    return out


def too_large(value: Value) -> bool:
    """Is ``value`` beyond MAX_BUILT_SIZE (a string's characters, a sequence's items, a
    dict's entries)? The evaluator gives such values up as unknown."""
    if isinstance(value, Lit):
        return isinstance(value.value, (str, bytes, tuple, list)) and \
            len(value.value) > MAX_BUILT_SIZE
    if isinstance(value, (ListV, DictV)):
        return _container_len(value) > MAX_BUILT_SIZE
    return False


def _truth(value: Value) -> Optional[bool]:
    if isinstance(value, Lit):
        try:
            return bool(value.value)
        except Exception:
            return None
    if isinstance(value, (DictV, ListV)) and not value.open:
        return bool(_container_len(value))
    return None


def _container_len(value: Any) -> int:
    return len(value.entries) if isinstance(value, DictV) else len(value.items)


def _own(node: Any) -> FrozenSet[str]:
    """The name a container expression is, when it is a plain name (its reads are writes)."""
    return frozenset((identifier(node.value),)) if isinstance(node, cst.Name) else frozenset()


def target_names(targets: Iterable[Any]) -> FrozenSet[str]:
    """Every name in assignment targets (``X``, ``X, Y``, the ``X`` of ``X[k]``)."""
    return frozenset(identifier(n.value) for t in targets for n in _names_in(t))
