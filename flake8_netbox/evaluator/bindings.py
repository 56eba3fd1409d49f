"""Where names and container entries are bound, and the state every part of the walk shares.

``Walker`` is the base of the evaluator's mixins: it holds the walk's state (names in scope,
branch path, statement index, loop depth) and the stores into names, dict entries and lists.
It declares the calls the other modules provide (``eval``, ``exec_block``, ``combine``,
``env_lookup``, ``convert``) so each mixin is readable on its own.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Tuple

import libcst as cst

from flake8_netbox.values import Absent, DictV, Entry, Lit, ListV, Path, Slot, Unknown, Value

#: Marks "no key the evaluator can follow" (a missing or unhashable dict key).
_NO_KEY = object()


class Site:
    """Where a top-level name is bound."""

    __slots__ = ("node", "stmt", "path")

    def __init__(self, node: Any, stmt: int, path: Path) -> None:
        self.node = node
        self.stmt = stmt
        self.path = path


class Walker:
    """Shared state and stores of the abstract interpreter (see ``Evaluator``)."""

    names: Dict[str, List[Slot]]
    sites: Dict[str, List[Site]]
    path: Path
    stmt: int
    loop_depth: int
    _branches: int
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

    # -- values ----------------------------------------------------------------------------------

    def unknown(self, node: Any) -> Unknown:
        return Unknown(node, self.stmt, self.path)

    def lit(self, value: Any, node: Any) -> Lit:
        return Lit(value, node, self.stmt, self.path)

    # -- binding ---------------------------------------------------------------------------------

    def bind_target(self, target: cst.BaseExpression, values: List[Value], value_node: Any) -> None:
        if isinstance(target, cst.Name):
            self.bind_name(target.value, values, value_node, target)
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
                self.bind_target(inner, parts, inner)

    def bind_name(self, name: str, values: List[Value], value_node: Any,
                  target: Any = None) -> None:
        self.sites.setdefault(name, []).append(Site(target or value_node, self.stmt, self.path))
        slots = [Slot(value, value_node, self.stmt, self.path) for value in values]
        if self.loop_depth:  # other iterations may bind something else
            slots = _union(self.names.get(name, []), slots + [
                Slot(self.unknown(value_node), value_node, self.stmt, self.path)])
        self.names[name] = slots

    def assign_item(self, target: cst.Subscript, values: List[Value], value_node: Any) -> None:
        key_node = _single_index(target)
        containers = self.eval(target.value)
        keys = self.eval(key_node) if key_node is not None else [self.unknown(target)]
        key = keys[0].value if len(keys) == 1 and isinstance(keys[0], Lit) else _NO_KEY
        strong = len(containers) == 1
        for container in containers:
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
        if isinstance(source, ListV):
            container.items.extend(list(items) for items in source.items)
            container.open = container.open or source.open
        else:
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
    seen = {(id(s.value), id(s.node)) for s in first}
    out = list(first)
    for slot in second:
        key = (id(slot.value), id(slot.node))
        if key not in seen:
            seen.add(key)
            out.append(slot)
    return out
