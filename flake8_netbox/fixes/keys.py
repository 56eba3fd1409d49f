"""A key NetBox ignores because of its case ('host' in a REDIS section) is upper-cased (NBX504)."""

from __future__ import annotations

import re
from typing import Any, Dict, Iterator, List, Tuple

import libcst as cst

from flake8_netbox import netbox
from flake8_netbox.fixes.base import Change, Edit, Fix, FixContext, FixExample, Proposal, Refusal
from flake8_netbox.rules.base import sub_dicts
from flake8_netbox.rules.keys import IgnoredKey, case_slip
from flake8_netbox.values import DictV

#: Every upper-case key NetBox or Django reads in a database dict, REDIS or a REDIS section.
_KNOWN = sorted(netbox.DATABASE_KEYS | set(netbox.SECTION_KEYS) | netbox.FLAT_KEYS)
_PLAIN = re.compile(r"^[A-Za-z_]+$")


def _containers(fx: FixContext) -> List[DictV]:
    ctx = fx.ctx
    found: List[DictV] = list(ctx.dicts("DATABASE")) + list(ctx.dicts("REDIS"))
    for databases in ctx.dicts("DATABASES"):
        found += [d for alias in databases.entries for d in sub_dicts(databases, alias)]
    for redis in ctx.dicts("REDIS"):
        found += [d for section in redis.entries for d in sub_dicts(redis, section)]
    return found


class UpperCaseKey(Fix):
    codes = ("NBX504",)
    name = "upper-case-key"
    summary = ("A key NetBox or Django ignores only because of its case ('host', 'Password' in "
               "DATABASE, a DATABASES alias, REDIS or a REDIS section) is upper-cased, when the "
               "dict does not set the upper-case key already.")
    examples = (FixExample(
        "REDIS = {\n    'tasks': {'host': 'redis', 'DATABASE': 0},  # queue\n"
        "    'caching': {'HOST': 'redis', 'DATABASE': 1},\n}\n",
        "REDIS = {\n    'tasks': {'HOST': 'redis', 'DATABASE': 0},  # queue\n"
        "    'caching': {'HOST': 'redis', 'DATABASE': 1},\n}\n", "4.7"),)

    def propose(self, fx: FixContext) -> Iterator[Proposal]:
        reported = {id(f.node) for f in IgnoredKey().check(fx.ctx)}
        keys: Dict[int, Tuple[DictV, Any]] = {}
        for container in _containers(fx):
            for key, entry in container.entries.items():
                if id(entry.key_node) in reported and isinstance(key, str):
                    keys[id(entry.key_node)] = (container, key)
        for container, key in keys.values():
            upper = case_slip(key, _KNOWN)
            if upper is None:
                continue
            entry = container.entries[key]
            node = entry.key_node
            if upper in container.entries:
                yield Refusal(self.codes[0], f"'{upper}' is set beside it; remove one by hand")
                continue
            if not (isinstance(node, cst.SimpleString) and not node.prefix
                    and _PLAIN.match(key) and node.evaluated_value == key):
                yield Refusal(self.codes[0], "the key is not a plain string literal; "
                                             "upper-case it by hand")
                continue
            start, end = fx.source.span(node, entry.key_stmt, parentheses=False)
            if fx.silenced(self.codes[0], start):
                continue
            quote = node.quote
            yield Change(self.codes[0], f"key {key!r} upper-cased to {upper!r}",
                         [Edit(start, end, f"{quote}{upper}{quote}")])
