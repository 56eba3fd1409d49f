"""Settings renamed between releases get their new names (NBX502)."""

from __future__ import annotations

import ast
import re
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple, Union

from flake8_netbox import netbox
from flake8_netbox.fixes.base import (Change, Edit, Fix, FixContext, FixExample, Proposal, Refusal,
                                      Source)


class RenamedSetting(Fix):
    codes = ("NBX502",)
    name = "renamed-setting"
    summary = ("A setting NetBox renamed gets its new name, everywhere the file binds or reads "
               "the setting itself (not keyword arguments, attributes, or a function's own "
               "variable of that name), when the target release reads the new name and the file "
               "does not set it already: "
               + ", ".join(f"{old} → {new} ({first.major}.{first.minor})"
                           for old, (new, first) in netbox.RENAMED.items()) + ".")
    examples = (FixExample("JOBRESULT_RETENTION = 90  # days\n", "JOB_RETENTION = 90  # days\n"),
                FixExample("JINJA2_FILTERS = {'slug': 'utilities.filters.slug'}\n",
                           "JINJA_FILTERS = {'slug': 'utilities.filters.slug'}\n", "4.7"),
                FixExample("JOBRESULT_RETENTION = 90\nKEEP = dict(JOBRESULT_RETENTION=1)\n",
                           "JOB_RETENTION = 90\nKEEP = dict(JOBRESULT_RETENTION=1)\n"))

    def propose(self, fx: FixContext) -> Iterator[Proposal]:
        for old, (new, _first) in netbox.RENAMED.items():
            if not fx.ctx.facts.is_bound(old) or not netbox.reads(new, fx.release):
                continue
            if fx.ctx.is_bound(new):
                yield Refusal(self.codes[0], f"{new} is set too; remove {old} by hand")
                continue
            spans = setting_spans(fx.source, old, new)
            if isinstance(spans, str):
                yield Refusal(self.codes[0], spans)
                continue
            if spans:
                yield Change(self.codes[0], f"{old} renamed {new}",
                             [Edit(start, end, new) for start, end in spans],
                             fx.also_bound(old))


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp,
           ast.SetComp, ast.DictComp, ast.GeneratorExp)


class _Scope:
    def __init__(self, node: ast.AST, parent: "Optional[_Scope]") -> None:
        self.node = node
        self.parent = parent
        self.bound: Set[str] = set()
        self.declared_global: Set[str] = set()

    def resolves_to_module(self, name: str) -> bool:
        """Does ``name`` read here mean the module-level variable? (Python's rules: the
        innermost function scopes outwards; a class body is seen only from itself.)"""
        scope: Optional[_Scope] = self
        while scope is not None and scope.parent is not None:
            if name in scope.declared_global:
                return True
            if name in scope.bound and (scope is self or not isinstance(scope.node,
                                                                        ast.ClassDef)):
                return False
            scope = scope.parent
        return True


def setting_spans(source: Source, old: str, new: str) -> Union[List[Tuple[int, int]], str]:
    """Text spans of the module-level variable ``old``, where it is bound or read, to be
    renamed ``new``; or why it must be renamed by hand (imported, bound by a statement whose
    name has no position of its own, or ``new`` is bound in a scope enclosing a use, which
    would then read that instead)."""
    scopes: Dict[int, _Scope] = {}
    sites: List[Tuple[ast.Name, _Scope]] = []
    globals_: List[ast.Global] = []
    module = _Scope(source.tree, None)
    outer: Set[int] = set()  # parts of a scope's node already visited in the enclosing scope

    def visit(node: ast.AST, scope: _Scope) -> None:
        for child in ast.iter_child_nodes(node):
            if id(child) not in outer:
                handle(child, scope)

    def handle(child: ast.AST, scope: _Scope) -> None:
        inner = scope
        if isinstance(child, _SCOPES):
            inner = _Scope(child, scope)
            scopes[id(child)] = inner
            for part in _evaluated_outside(child):
                outer.add(id(part))
                handle(part, scope)
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                scope.bound.add(child.name)
                if child.name == old:
                    raise _Refuse(f"{old} is also a function or class name; rename it by "
                                  "hand")
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                arguments = child.args
                for arg in [*getattr(arguments, "posonlyargs", []), *arguments.args,
                            *arguments.kwonlyargs, arguments.vararg, arguments.kwarg]:
                    if arg is not None:
                        inner.bound.add(arg.arg)
        if isinstance(child, ast.Name):
            if not isinstance(child.ctx, ast.Load):
                scope.bound.add(child.id)
            if child.id == old:
                sites.append((child, scope))
        elif isinstance(child, (ast.Global, ast.Nonlocal)):
            scope.declared_global.update(child.names if isinstance(child, ast.Global)
                                         else ())
            if old in child.names:
                if isinstance(child, ast.Nonlocal):
                    raise _Refuse(f"{old} is declared nonlocal; rename it by hand")
                globals_.append(child)
        elif isinstance(child, ast.alias):
            bound = (child.asname or child.name).split(".")[0]
            scope.bound.add(bound)
            if old in (bound, child.name):
                raise _Refuse(f"{old} is imported; rename it by hand")
        elif isinstance(child, ast.ExceptHandler) and child.name:
            scope.bound.add(child.name)
            if child.name == old:
                raise _Refuse(f"{old} is bound by an except clause; rename it by hand")
        elif type(child).__name__ in ("MatchAs", "MatchStar", "MatchMapping"):
            bound = getattr(child, "name", None) or getattr(child, "rest", None)
            if bound:
                scope.bound.add(bound)
                if bound == old:
                    raise _Refuse(f"{old} is bound by a match pattern; rename it by hand")
        visit(child, inner)

    try:
        visit(source.tree, module)
    except _Refuse as refusal:
        return str(refusal)
    except RecursionError:
        return f"the file is nested too deeply to follow; rename {old} by hand"
    spans: List[Tuple[int, int]] = []
    for node, scope in sites:
        if not scope.resolves_to_module(old):
            continue  # a function's (or class's) own variable of that name
        if not scope.resolves_to_module(new):
            return (f"{new} is a name of its own where {old} is used (a parameter or local "
                    f"variable); rename {old} by hand")
        start = source.ast_offset(node.lineno, node.col_offset)
        end = source.ast_offset(node.end_lineno, node.end_col_offset)  # type: ignore[arg-type]
        if source.text[start:end] != old:
            return f"{old} could not be placed in the text; rename it by hand"
        spans.append((start, end))
    for statement in globals_:
        start = source.ast_offset(statement.lineno, statement.col_offset)
        end = source.ast_offset(statement.end_lineno,  # type: ignore[arg-type]
                                statement.end_col_offset)  # type: ignore[arg-type]
        for match in re.finditer(rf"(?<![\w.]){re.escape(old)}(?!\w)", source.text[start:end]):
            spans.append((start + match.start(), start + match.end()))
    return sorted(spans)


def _evaluated_outside(node: ast.AST) -> List[ast.AST]:
    """The parts of a function, lambda, class or comprehension that Python evaluates in the
    enclosing scope: decorators, default values, annotations, bases and keywords, and a
    comprehension's first iterable (``lambda JOBRESULT_RETENTION=JOBRESULT_RETENTION: ...``
    reads the module's variable in its default)."""
    parts: List[Any] = []
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        arguments = node.args
        parts += [*arguments.defaults, *arguments.kw_defaults]
        if not isinstance(node, ast.Lambda):
            parts += [*node.decorator_list, node.returns]
            parts += [arg.annotation for arg in [
                *getattr(arguments, "posonlyargs", []), *arguments.args, *arguments.kwonlyargs,
                arguments.vararg, arguments.kwarg] if arg is not None]
    elif isinstance(node, ast.ClassDef):
        parts += [*node.decorator_list, *node.bases, *node.keywords]
    elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        parts.append(node.generators[0].iter)
    return [part for part in parts if part is not None]


class _Refuse(Exception):
    pass
