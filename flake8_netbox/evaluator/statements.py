"""Statements: assignments, imports, ``del``, augmented assignment, and the branches and loops
whose arms are run from the same state and merged."""

from __future__ import annotations

from typing import Any, Dict, List, Sequence

import libcst as cst

from flake8_netbox.evaluator.bindings import (DEFINITION, IMPORT, LOOP_TARGET, WITH_TARGET,
                                              Walker, _hashable, _single_index, _union,
                                              identifier, target_names)
from flake8_netbox.evaluator.calls import _MODULES, _NAMESPACE
from flake8_netbox.values import DictV, ListV, Lit, Ref, Slot, Value


class Statements(Walker):
    """Executes module-level statements in file order (abstractly)."""

    # -- statements ------------------------------------------------------------------------------

    def exec_block(self, block: Any) -> None:
        """Run an indented block or the statements written on the line of their ``if``/``for``
        (a ``SimpleStatementSuite``) alike; stop after a ``raise``."""
        if isinstance(block, cst.SimpleStatementSuite):
            for small in block.body:
                if self.raised:
                    return
                self.exec_small(small)
            return
        for statement in getattr(block, "body", ()):
            if self.raised:
                return
            self.exec_statement(statement)

    def exec_statement(self, stmt: cst.CSTNode) -> None:
        if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            for small in stmt.body:
                if self.raised:
                    return
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
                                     item.asname.name, WITH_TARGET)
            self.exec_block(stmt.body)
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            self.exec_definition(stmt)
        elif isinstance(stmt, cst.Match):
            self.eval(stmt.subject)
            for case in stmt.cases:
                self.defer(case.pattern)
            arms = [case.body for case in stmt.cases] + [None]
            self.exec_branches(arms)
        else:
            self.not_followed(stmt)

    def exec_small(self, small: cst.CSTNode) -> None:
        if isinstance(small, cst.Assign):
            with self.not_reading(target_names(t.target for t in small.targets)):
                values = self.eval(small.value)
            for target in small.targets:
                self.bind_target(target.target, values, small.value)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                with self.not_reading(target_names([small.target])):
                    values = self.eval(small.value)
                self.bind_target(small.target, values, small.value)
            self.defer(small.annotation)
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
        elif isinstance(small, cst.Raise):
            if small.exc is not None:
                self.eval(small.exc)
            self.raised = True  # nothing after it in this arm runs, and the arm binds nothing
        else:
            self.not_followed(small)

    def exec_definition(self, stmt: Any) -> None:
        """A function or class: bound, its body read later (scanned for reads, not run); a
        small helper function is kept to be evaluated at each call (see ``Calls``)."""
        self.defer(stmt)
        self.bind_name(stmt.name.value, [self.definition_value(stmt)], stmt.name,
                       kind=DEFINITION)

    def exec_import(self, alias: cst.ImportAlias) -> None:
        dotted = _dotted(alias.name)
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            value: Value = Ref(dotted, alias, self.stmt) if dotted in _MODULES \
                else self.unknown(alias)
            self.bind_name(alias.asname.name.value, [value], alias.asname.name, kind=IMPORT)
        else:
            top = dotted.split(".")[0]
            value = Ref(top, alias, self.stmt) if top in _MODULES else self.unknown(alias)
            self.bind_name(top, [value], alias.name, kind=IMPORT)

    def exec_import_from(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            if self.star_import is None:
                self.star_import = (node, self.stmt, self.path)
            # Any public name bound so far may be replaced by the imported module's (modules
            # such as os are taken to stay what they are).
            for name, slots in list(self.names.items()):
                if not name.startswith("_") and not all(isinstance(s.value, Ref) for s in slots):
                    self.names[name] = slots + [Slot(self.unknown(node), node, self.stmt,
                                                     self.path)]
            return
        written = _dotted(node.module) if node.module is not None else ""
        module = written if not node.relative else ""
        for alias in node.names:
            name = _dotted(alias.name)
            bound = alias.asname.name.value if isinstance(
                getattr(alias.asname, "name", None), cst.Name) else name
            if module == "os" and name in ("environ", "getenv") or module == "ldap" or \
                    f"{module}.{name}" in _NAMESPACE:
                value: Value = Ref(f"{module}.{name}", alias, self.stmt)
            elif name == "VERSION" and self.netbox_version is not None and (
                    written == "settings" and node.relative or module == "netbox.settings"):
                # NetBox's own release number (netbox/settings.py): the target release
                value = self.lit(self.netbox_version, alias)
            else:
                value = self.unknown(alias)
            self.bind_name(bound, [value], alias, kind=IMPORT)

    def exec_del(self, target: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.exec_del(element.value)
        elif isinstance(target, cst.Name):
            # Unbound on this path (arms run on their own copy of the names; the merge keeps
            # the name where another arm, or a loop that does not run, leaves it bound).
            self.names.pop(identifier(target.value), None)
        elif isinstance(target, cst.Subscript):
            with self.not_reading(target_names([target.value])):
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
        target = node.target
        with self.not_reading(target_names([target])):
            right = self.eval(node.value)
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
        """Arms whose test is decided (a literal, NetBox's VERSION against the target release)
        are kept or dropped as Python would; the others are alternatives."""
        arms: List[Any] = []
        current: Any = node
        decided = False
        while isinstance(current, cst.If):
            truth = self.decide(current.test)
            if truth is True:
                arms.append(current.body)
                decided = True
                if current.orelse is not None:
                    self.defer(current.orelse)  # never runs, but what it reads is read
                break
            if truth is None:
                arms.append(current.body)
            else:
                self.defer(current.body)
            current = current.orelse
        if not decided:
            arms.append(current.body if isinstance(current, cst.Else) else None)
        if len(arms) == 1:  # the one arm that runs, as if it were not in an if at all
            if arms[0] is not None:
                self.exec_block(arms[0])
            return
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
                    self.bind_target(block[1], [self.unknown(block[1])], block[1], LOOP_TARGET)
                elif block is not None and not self.raised:
                    self.exec_block(block)
            if self.raised:  # an arm that ends in raise binds nothing NetBox runs with
                self.raised = False
                continue
            results.append(self.names)
        self.path = outer
        if not results:  # every arm raises: so does the statement
            self.names = before
            self.raised = True
            return
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
        return identifier(node.value)
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{identifier(node.attr.value)}"
    return ""
