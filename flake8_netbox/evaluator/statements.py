"""Statements: assignments, imports, ``del``, augmented assignment, and the branches and loops
whose arms are run from the same state and merged."""

from __future__ import annotations

from typing import Any, Dict, List, Sequence

import libcst as cst

from flake8_netbox.evaluator.bindings import Walker, _hashable, _single_index, _union
from flake8_netbox.evaluator.calls import _MODULES
from flake8_netbox.values import DictV, ListV, Lit, Ref, Slot, Value


class Statements(Walker):
    """Executes module-level statements in file order (abstractly)."""

    # -- statements ------------------------------------------------------------------------------

    def exec_block(self, block: Any) -> None:
        for statement in getattr(block, "body", ()):
            self.exec_statement(statement)

    def exec_statement(self, stmt: cst.CSTNode) -> None:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.exec_small(small)
        elif isinstance(stmt, cst.SimpleStatementSuite):
            for small in stmt.body:
                self.exec_small(small)
        elif isinstance(stmt, cst.If):
            self.exec_if(stmt)
        elif isinstance(stmt, (cst.Try, getattr(cst, "TryStar", cst.Try))):
            self.exec_try(stmt)
        elif isinstance(stmt, (cst.For, cst.While)):
            self.exec_loop(stmt)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                self.eval(item.item)
                if item.asname is not None:
                    self.bind_target(item.asname.name, [self.unknown(item.asname.name)],
                                     item.asname.name)
            self.exec_block(stmt.body)
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            self.bind_name(stmt.name.value, [self.unknown(stmt)], stmt.name)
        elif isinstance(stmt, cst.Match):
            arms = [case.body for case in stmt.cases] + [None]
            self.exec_branches(arms)

    def exec_small(self, small: cst.CSTNode) -> None:
        if isinstance(small, cst.Assign):
            values = self.eval(small.value)
            for target in small.targets:
                self.bind_target(target.target, values, small.value)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.bind_target(small.target, self.eval(small.value), small.value)
        elif isinstance(small, cst.AugAssign):
            self.exec_augassign(small)
        elif isinstance(small, cst.Expr):
            self.eval(small.value)
        elif isinstance(small, cst.Import):
            for alias in small.names:
                self.exec_import(alias)
        elif isinstance(small, cst.ImportFrom):
            self.exec_import_from(small)
        elif isinstance(small, cst.Del):
            self.exec_del(small.target)

    def exec_import(self, alias: cst.ImportAlias) -> None:
        dotted = _dotted(alias.name)
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            value: Value = Ref(dotted, alias, self.stmt) if dotted in _MODULES \
                else self.unknown(alias)
            self.bind_name(alias.asname.name.value, [value], alias.asname.name)
        else:
            top = dotted.split(".")[0]
            value = Ref(top, alias, self.stmt) if top in _MODULES else self.unknown(alias)
            self.bind_name(top, [value], alias.name)

    def exec_import_from(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            # Any public name bound so far may be replaced by the imported module's (modules
            # such as os are taken to stay what they are).
            for name, slots in list(self.names.items()):
                if not name.startswith("_") and not all(isinstance(s.value, Ref) for s in slots):
                    self.names[name] = slots + [Slot(self.unknown(node), node, self.stmt,
                                                     self.path)]
            return
        module = _dotted(node.module) if node.module is not None and not node.relative else ""
        for alias in node.names:
            name = _dotted(alias.name)
            bound = alias.asname.name.value if isinstance(
                getattr(alias.asname, "name", None), cst.Name) else name
            if module == "os" and name in ("environ", "getenv") or module == "ldap":
                value: Value = Ref(f"{module}.{name}", alias, self.stmt)
            else:
                value = self.unknown(alias)
            self.bind_name(bound, [value], alias)

    def exec_del(self, target: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.exec_del(element.value)
        elif isinstance(target, cst.Name):
            if not self.path and not self.loop_depth:
                self.names.pop(target.value, None)
        elif isinstance(target, cst.Subscript):
            containers = self.eval(target.value)
            index = _single_index(target)
            keys = self.eval(index) if index is not None else []
            for container in containers:
                if (isinstance(container, DictV) and len(containers) == 1 and len(keys) == 1
                        and isinstance(keys[0], Lit) and _hashable(keys[0].value)
                        and container.path == self.path and not self.loop_depth):
                    container.entries.pop(keys[0].value, None)
                elif isinstance(container, (DictV, ListV)):
                    container.open = True

    def exec_augassign(self, node: cst.AugAssign) -> None:
        right = self.eval(node.value)
        target = node.target
        current = self.eval(target)
        op = type(node.operator)
        if op is cst.AddAssign and len(current) == 1 and isinstance(current[0], ListV):
            self.extend_list(current[0], right, node.value)
            return
        if op is cst.BitOrAssign and len(current) == 1 and isinstance(current[0], DictV):
            self.update_dict(current[0], right, node.value)
            return
        binary = {cst.AddAssign: cst.Add, cst.SubtractAssign: cst.Subtract,
                  cst.MultiplyAssign: cst.Multiply, cst.BitOrAssign: cst.BitOr}.get(op)
        result = self.combine(binary, current, right, node) if binary else [self.unknown(node)]
        self.bind_target(target, result, node.value)

    # -- branches --------------------------------------------------------------------------------

    def exec_if(self, node: cst.If) -> None:
        arms: List[Any] = []
        current: Any = node
        while isinstance(current, cst.If):
            self.eval(current.test)
            arms.append(current.body)
            current = current.orelse
        arms.append(current.body if isinstance(current, cst.Else) else None)
        self.exec_branches(arms)

    def exec_try(self, node: Any) -> None:
        body = [node.body] + ([node.orelse.body] if node.orelse is not None else [])
        arms: List[Any] = [body] + [handler.body for handler in node.handlers]
        self.exec_branches(arms)
        if node.finalbody is not None:
            self.exec_block(node.finalbody.body)

    def exec_loop(self, node: Any) -> None:
        if isinstance(node, cst.For):
            self.eval(node.iter)
        else:
            self.eval(node.test)
        self.loop_depth += 1
        try:
            body: List[Any] = []
            if isinstance(node, cst.For):
                body.append(("target", node.target))
            body.append(node.body)
            self.exec_branches([body, None])
        finally:
            self.loop_depth -= 1
        if node.orelse is not None:
            self.exec_block(node.orelse.body)

    def exec_branches(self, arms: Sequence[Any]) -> None:
        """Run each arm from the same state and keep every name's values from every arm."""
        self._branches += 1
        branch = self._branches
        before, outer = self.names, self.path
        results: List[Dict[str, List[Slot]]] = []
        for index, arm in enumerate(arms):
            self.names = dict(before)
            self.path = outer + ((branch, index),)
            for block in arm if isinstance(arm, list) else [arm]:
                if isinstance(block, tuple):  # a for loop's target
                    self.bind_target(block[1], [self.unknown(block[1])], block[1])
                elif block is not None:
                    self.exec_block(block)
            results.append(self.names)
        self.path = outer
        merged: Dict[str, List[Slot]] = {}
        for names in results:
            for name, slots in names.items():
                if name not in merged:
                    merged[name] = slots
                elif merged[name] is not slots:
                    merged[name] = _union(merged[name], slots)
        self.names = merged


def _dotted(node: Any) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""
