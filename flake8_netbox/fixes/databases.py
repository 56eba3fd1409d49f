"""DATABASE = {...} becomes DATABASES = {'default': {...}} (NetBox 4.3+, with
--upgrade-databases: DATABASE still works, so the change is the user's choice)."""

from __future__ import annotations

from typing import Iterator, List, Optional

import libcst as cst

from flake8_netbox import netbox
from flake8_netbox.fixes.base import (UPGRADE_DATABASES, Change, Edit, Fix, FixContext,
                                      FixExample, Proposal, Refusal, name_nodes, quote_of)
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
        if fx.ctx.facts.rebinding:
            yield Refusal(UPGRADE, "the file changes settings through exec or globals()")
            return
        edits: List[Edit] = []
        for name in name_nodes(fx.source.module, "DATABASE"):
            edit = self._edit(fx, name)
            if edit is None:
                yield Refusal(UPGRADE, "DATABASE is used in a way that cannot be rewritten "
                                       "(imported, assigned from, or read whole); change it by "
                                       "hand")
                return
            edits += edit
        yield Change(UPGRADE, "DATABASE rewritten as DATABASES['default']", edits,
                     fx.also_bound("DATABASE"))

    def _edit(self, fx: FixContext, name: cst.Name) -> Optional[List[Edit]]:
        parent = _parent(fx.source.module, name)
        source = fx.source
        start, end = source.span(name)
        if isinstance(parent, (cst.Subscript, cst.Attribute)) and parent.value is name:
            q = "'"
            return [Edit(start, end, f"DATABASES[{q}default{q}]")]
        if isinstance(parent, cst.AssignTarget):
            statement = _parent(source.module, parent)
            if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
                value = statement.value
                v_start, v_end = source.span(value)
                base = source.indentation(v_start)
                q = quote_of(value.elements[0].key if isinstance(value, cst.Dict)
                             and value.elements and isinstance(value.elements[0],
                                                               cst.DictElement) else None)
                text = source.text[v_start:v_end]
                if "\n" in text:
                    unit = source.indent_unit
                    body = reindent(text, base, base + unit)
                    new = source.newline.join(["{", f"{base}{unit}{q}default{q}: {body},",
                                               base + "}"])
                else:
                    new = f"{{{q}default{q}: {text}}}"
                return [Edit(start, end, "DATABASES"), Edit(v_start, v_end, new)]
        return None


def _parent(module: cst.Module, child: cst.CSTNode) -> Optional[cst.CSTNode]:
    finder = _ParentFinder(child)
    module.visit(finder)
    return finder.parent


class _ParentFinder(cst.CSTVisitor):
    def __init__(self, child: cst.CSTNode) -> None:
        super().__init__()
        self.child = child
        self.stack: List[cst.CSTNode] = []
        self.parent: Optional[cst.CSTNode] = None

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.parent is not None:
            return False
        if node is self.child:
            self.parent = self.stack[-1] if self.stack else None
            return False
        self.stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if self.stack and self.stack[-1] is original_node:
            self.stack.pop()
