"""DATABASE = {...} becomes DATABASES = {'default': {...}} (NetBox 4.3+, with
--upgrade-databases: DATABASE still works, so the change is the user's choice)."""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional

import libcst as cst

from flake8_netbox import netbox
from flake8_netbox.fixes.base import (UPGRADE_DATABASES, Change, Edit, Fix, FixContext,
                                      FixExample, Proposal, Refusal, Source, name_nodes,
                                      quote_of)
from flake8_netbox.fixes.edits import reindent

UPGRADE = "DATABASES"  # the label of this fix in reports: no rule reports DATABASE on 4.3+


class DatabasesLayout(Fix):
    codes = (UPGRADE,)
    name = "database-to-databases"
    kind = UPGRADE_DATABASES
    summary = ("With --upgrade-databases, for NetBox 4.3 and later: `DATABASE = {...}` becomes "
               "`DATABASES = {'default': {...}}`, and `DATABASE[...]` elsewhere in the file "
               "becomes `DATABASES['default'][...]`.")
    examples = (FixExample(
        "DATABASE = {\n    'NAME': 'netbox',  # the database\n    'HOST': 'localhost',\n}\n"
        "DATABASE['USER'] = 'netbox'\n",
        "DATABASES = {\n    'default': {\n        'NAME': 'netbox',  # the database\n"
        "        'HOST': 'localhost',\n    },\n}\nDATABASES['default']['USER'] = 'netbox'\n",
        kind=UPGRADE_DATABASES,
    ),)

    def propose(self, fx: FixContext) -> Iterator[Proposal]:
        if not netbox.databases_allowed(fx.release) or not fx.ctx.facts.is_bound("DATABASE"):
            return
        if fx.ctx.is_bound("DATABASES"):
            yield Refusal(UPGRADE, "DATABASES is set too; merge DATABASE into it by hand")
            return
        edits: List[Edit] = []
        names = name_nodes(fx.source, "DATABASE")
        parents = _parents(fx.source, sorted({stmt for stmt, _ in names}))
        for stmt, name in names:
            edit = self._edit(fx, name, stmt, parents)
            if edit is None:
                yield Refusal(UPGRADE, "DATABASE is used in a way that cannot be rewritten "
                                       "(imported, assigned from, or read whole); change it by "
                                       "hand")
                return
            edits += edit
        yield Change(UPGRADE, "DATABASE rewritten as DATABASES['default']", edits,
                     fx.also_bound("DATABASE"))

    def _edit(self, fx: FixContext, name: cst.Name, stmt: int, parents: Dict[int, cst.CSTNode]
              ) -> Optional[List[Edit]]:
        parent = parents.get(id(name))
        source = fx.source
        start, end = source.span(name, stmt)
        if isinstance(parent, (cst.Subscript, cst.Attribute)) and parent.value is name:
            # Inside an f-string, the quote it does not use (Python before 3.12 reads no
            # other); the fixer refuses the change if both are used.
            used = {quote[0] for s, e, quote in source.fstrings() if s < start and end < e}
            q = next((q for q in "'\"" if q not in used), "'")
            return [Edit(start, end, f"DATABASES[{q}default{q}]")]
        if isinstance(parent, cst.AssignTarget):
            statement = parents.get(id(parent))
            if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
                value = statement.value
                v_start, v_end = source.span(value, stmt)
                base = source.indentation(v_start)
                q = quote_of(value)
                text = source.text[v_start:v_end]
                if isinstance(value, cst.Tuple) and not value.lpar:  # DATABASE = {...}, {...}
                    text = f"({text})"  # a dict's value must be one expression
                if "\n" in text:
                    unit = source.indent_unit
                    body = reindent(text, base, base + unit)
                    new = source.newline.join(["{", f"{base}{unit}{q}default{q}: {body},",
                                               base + "}"])
                else:
                    new = f"{{{q}default{q}: {text}}}"
                return [Edit(start, end, "DATABASES"), Edit(v_start, v_end, new)]
        return None


def _parents(source: Source, stmts: List[int]) -> Dict[int, cst.CSTNode]:
    """id(node) -> its parent, for the nodes of the given top-level statements."""
    finder = _ParentFinder()
    for stmt in stmts:
        source.module.body[stmt].visit(finder)
    return finder.parents


class _ParentFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.stack: List[cst.CSTNode] = []
        self.parents: Dict[int, cst.CSTNode] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.stack:
            self.parents[id(node)] = self.stack[-1]
        self.stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()
