"""Settings renamed between releases get their new names (NBX502)."""

from __future__ import annotations

from typing import Iterator, List, Optional, Set

import libcst as cst

from flake8_netbox import netbox
from flake8_netbox.fixes.base import Change, Edit, Fix, FixContext, FixExample, Proposal, Refusal


class RenamedSetting(Fix):
    codes = ("NBX502",)
    name = "renamed-setting"
    summary = ("A setting NetBox renamed gets its new name, everywhere the file uses it, when "
               "the target release reads the new name and the file does not set it already: "
               + ", ".join(f"{old} → {new} ({first.major}.{first.minor})"
                           for old, (new, first) in netbox.RENAMED.items()) + ".")
    examples = (FixExample("JOBRESULT_RETENTION = 90  # days\n", "JOB_RETENTION = 90  # days\n"),
                FixExample("JINJA2_FILTERS = {'slug': 'utilities.filters.slug'}\n",
                           "JINJA_FILTERS = {'slug': 'utilities.filters.slug'}\n", "4.7"))

    def propose(self, fx: FixContext) -> Iterator[Proposal]:
        for old, (new, _first) in netbox.RENAMED.items():
            if not fx.ctx.facts.is_bound(old) or not netbox.reads(new, fx.release):
                continue
            if fx.ctx.is_bound(new):
                yield Refusal(self.codes[0], f"{new} is set too; remove {old} by hand")
                continue
            if fx.ctx.facts.rebinding:
                yield Refusal(self.codes[0], "the file changes settings through exec or globals()")
                continue
            names = _plain_names(fx.source.module, old)
            if names is None:
                yield Refusal(self.codes[0], f"{old} is imported; rename it by hand")
                continue
            edits = []
            for node in names:
                start, end = fx.source.span(node)
                edits.append(Edit(start, end, new))
            yield Change(self.codes[0], f"{old} renamed {new}", edits, fx.also_bound(old))


def _plain_names(module: cst.Module, name: str) -> Optional[List[cst.Name]]:
    """The ``Name`` nodes that are the variable ``name`` (attribute names such as
    ``x.NAME`` are other things); None when the file imports the name."""
    found: List[cst.Name] = []
    attributes: Set[int] = set()
    imported: List[bool] = []

    class Collector(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> None:
            attributes.add(id(node.attr))

        def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
            spelled = [node.name, node.asname.name if node.asname else None]
            imported.extend(isinstance(n, cst.Name) and n.value == name for n in spelled)

        def visit_Name(self, node: cst.Name) -> None:
            if node.value == name and id(node) not in attributes:
                found.append(node)

    module.visit(Collector())
    return None if any(imported) else found
