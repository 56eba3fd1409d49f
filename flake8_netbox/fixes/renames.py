"""Settings renamed between releases get their new names (NBX502)."""

from __future__ import annotations

from typing import Iterator, List, Optional, Tuple

import libcst as cst

from flake8_netbox import netbox
from flake8_netbox.fixes.base import (Change, Edit, Fix, FixContext, FixExample, Proposal, Refusal,
                                      Source, name_nodes)


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
            names = _plain_names(fx.source, old)
            if names is None:
                yield Refusal(self.codes[0], f"{old} is imported; rename it by hand")
                continue
            edits = []
            for stmt, node in names:
                start, end = fx.source.span(node, stmt, parentheses=False)
                edits.append(Edit(start, end, new))
            yield Change(self.codes[0], f"{old} renamed {new}", edits, fx.also_bound(old))


def _plain_names(source: Source, name: str) -> Optional[List[Tuple[int, cst.Name]]]:
    """(statement, node) for the ``Name`` nodes that are the variable ``name`` (attribute
    names such as ``x.NAME`` are other things); None when the file imports the name."""
    def spelled(alias: cst.ImportAlias) -> bool:
        return any(isinstance(n, cst.Name) and n.value == name
                   for n in (alias.name, alias.asname.name if alias.asname else None))

    if source.find(name, cst.ImportAlias, spelled):
        return None
    attributes = {id(node.attr) for _, node in source.find(
        name, cst.Attribute, lambda node: node.attr.value == name)}
    return [(stmt, node) for stmt, node in name_nodes(source, name)
            if id(node) not in attributes]
