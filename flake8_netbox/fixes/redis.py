"""REDIS fixes: NetBox 2.6's flat layout to sections, 'webhooks' to 'tasks', DEFAULT_TIMEOUT to
RQ_DEFAULT_TIMEOUT, and the cache moved off the task queue's database."""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional, Set, Tuple

import libcst as cst

from flake8_netbox import netbox
from flake8_netbox.fixes.base import (Change, Edit, Fix, FixContext, FixExample, Proposal,
                                      Refusal, quote_of, string_key)
from flake8_netbox.fixes.edits import (Item, entry_lines, inner_comments, insert_after,
                                       insert_entry, read_dict, reindent, remove_entry,
                                       render_dict)
from flake8_netbox.netbox import Release
from flake8_netbox.rules import redis_layout
from flake8_netbox.rules.base import entry_slots, sub_dicts
from flake8_netbox.rules.redis import Collision, collisions
from flake8_netbox.values import Absent
from flake8_netbox.values import DictV, Lit

TIMEOUT_SETTING = "RQ_DEFAULT_TIMEOUT"


def _timeout_moves(release: Release) -> bool:
    """Does the target read RQ_DEFAULT_TIMEOUT (2.9.4+), which replaced DEFAULT_TIMEOUT?"""
    return netbox.reads(TIMEOUT_SETTING, release)


def _timeout_statement(fx: FixContext, item: Item, stmt: int, indent: str) -> List[str]:
    """``RQ_DEFAULT_TIMEOUT = <the entry's value>`` with the entry's comments, for a statement
    at ``indent``."""
    value_code = fx.source.code(item.element.value, stmt)
    value = reindent(value_code, item.indent, indent)
    tail = f"  {item.trailing}" if item.trailing else ""
    # Comments between the key and its value (not inside the value) go above the statement.
    around = list(inner_comments(item.text))
    for comment in inner_comments(value_code):
        around.remove(comment)
    return [*(c for c in item.leading if c), *around, f"{TIMEOUT_SETTING} = {value}{tail}"]


def _literal_dict(fx: FixContext, redis: DictV) -> Optional[str]:
    """Why this REDIS dict may not be rewritten, or None."""
    if not isinstance(redis.node, cst.Dict) or not fx.written_as("REDIS", redis.node):
        return "REDIS is not written as one dict literal; change it by hand"
    if redis.open or any(not isinstance(e, cst.DictElement) or string_key(e.key) is None
                         for e in redis.node.elements):
        return "REDIS has keys that are not plain strings; change it by hand"
    return _duplicate(redis.node, "REDIS") or fx.only_assigned("REDIS")


def _duplicate(node: cst.Dict, name: str) -> Optional[str]:
    """A refusal when a dict literal sets one key twice (Python keeps the last; which one the
    user meant is theirs to say)."""
    seen: Set[str] = set()
    for element in node.elements:
        key = string_key(element.key) if isinstance(element, cst.DictElement) else None
        if key is not None and key in seen:
            return f"{name} sets {key!r} twice; remove one by hand"
        if key is not None:
            seen.add(key)
    return None


class FlatLayout(Fix):
    codes = ("NBX005",)
    name = "redis-flat-to-sections"
    summary = ("The flat NetBox 2.6 REDIS dict becomes 'tasks' and 'caching' sections: "
               "DATABASE goes to the task queue, CACHE_DATABASE (default 1) to the cache, the "
               "connection keys to both; DEFAULT_TIMEOUT becomes RQ_DEFAULT_TIMEOUT.")
    examples = (FixExample(
        "REDIS = {\n"
        "    'HOST': 'localhost',\n"
        "    'PORT': 6379,\n"
        "    'PASSWORD': '',\n"
        "    'DATABASE': 0,\n"
        "    'CACHE_DATABASE': 1,  # the cache\n"
        "    'DEFAULT_TIMEOUT': 300,\n"
        "}\n",
        "REDIS = {\n"
        "    'tasks': {\n"
        "        'HOST': 'localhost',\n"
        "        'PORT': 6379,\n"
        "        'PASSWORD': '',\n"
        "        'DATABASE': 0,\n"
        "    },\n"
        "    'caching': {\n"
        "        'HOST': 'localhost',\n"
        "        'PORT': 6379,\n"
        "        'PASSWORD': '',\n"
        "        'DATABASE': 1,  # the cache\n"
        "    },\n"
        "}\n"
        "RQ_DEFAULT_TIMEOUT = 300\n",
    ),)

    def propose(self, fx: FixContext) -> Iterator[Proposal]:
        layout = netbox.redis_layout(fx.release)
        if layout == netbox.FLAT:
            return
        for redis in fx.ctx.dicts("REDIS"):
            if not redis_layout.analyse(redis, fx.release, True).flat:
                continue
            reason = _literal_dict(fx, redis)
            if reason:
                yield Refusal(self.codes[0], reason)
                continue
            yield self._rewrite(fx, redis, "webhooks" if layout == netbox.WEBHOOKS else "tasks")

    def _rewrite(self, fx: FixContext, redis: DictV, task_name: str) -> Change:
        source = fx.source
        node = redis.node
        assert isinstance(node, cst.Dict)
        stmt = redis.stmt
        text = read_dict(source, node, stmt)
        # The dict alone: parentheses written around it, and their comments, stay.
        start, end = source.span(node, stmt, parentheses=False)
        base = source.indentation(start)
        unit = source.indent_unit
        inner = base + unit * 2
        q = quote_of(node)
        by_key: Dict[Optional[str], Item] = {item.key: item for item in text.items}
        moves = _timeout_moves(fx.release) and "DEFAULT_TIMEOUT" in by_key
        tasks: List[str] = []
        caching: List[str] = []
        cache_written = False
        for item in text.items:
            if item.key == "CACHE_DATABASE":
                value = item.text[len(source.code(item.element.key, stmt)):]
                caching += entry_lines(item, inner, f"{q}DATABASE{q}{value}")
                cache_written = True
            elif item.key == "DATABASE":
                tasks += entry_lines(item, inner)
                if "CACHE_DATABASE" not in by_key:
                    caching.append(f"{inner}{q}DATABASE{q}: "
                                   f"{netbox.FLAT_DEFAULTS['CACHE_DATABASE']},")
                    cache_written = True
            elif item.key == "DEFAULT_TIMEOUT" and moves:
                if fx.ctx.is_bound(TIMEOUT_SETTING):  # keep its comments, drop the value
                    tasks += [inner + comment for comment in item.comments()]
            else:
                tasks += entry_lines(item, inner)
                caching += entry_lines(item, inner, comments=False)
        if not cache_written:
            caching.append(f"{inner}{q}DATABASE{q}: {netbox.FLAT_DEFAULTS['CACHE_DATABASE']},")
        sections = [
            [f"{base}{unit}{q}{task_name}{q}: {{", *tasks, f"{base}{unit}}},"],
            [f"{base}{unit}{q}caching{q}: {{", *caching, f"{base}{unit}}},"],
        ]
        edits = [Edit(start, end, render_dict(text.opening, sections, text.closing, base, unit,
                                              source.newline))]
        todo = fx.also_bound("REDIS")
        summary = (f"REDIS: NetBox 2.6's flat layout rewritten as '{task_name}' and 'caching' "
                   "sections")
        if moves and not fx.ctx.is_bound(TIMEOUT_SETTING):
            statement = fx.statement_of(node, stmt)
            if statement is not None:
                edits.append(insert_after(source, statement, stmt, _timeout_statement(
                    fx, by_key["DEFAULT_TIMEOUT"], stmt, base)))
                summary += "; DEFAULT_TIMEOUT moved to RQ_DEFAULT_TIMEOUT"
        elif moves:
            summary += "; DEFAULT_TIMEOUT dropped (RQ_DEFAULT_TIMEOUT is already set)"
        return Change(self.codes[0], summary, edits, todo)


class WebhooksSection(Fix):
    codes = ("NBX005",)
    name = "redis-webhooks-to-tasks"
    summary = "REDIS['webhooks'] (ignored since NetBox 2.9) is renamed 'tasks'."
    examples = (FixExample(
        "REDIS = {\n    'webhooks': {'HOST': 'redis', 'DATABASE': 0},\n"
        "    'caching': {'HOST': 'redis', 'DATABASE': 1},\n}\n",
        "REDIS = {\n    'tasks': {'HOST': 'redis', 'DATABASE': 0},\n"
        "    'caching': {'HOST': 'redis', 'DATABASE': 1},\n}\n",
    ),)

    #: The REDIS layouts (releases) it fixes.
    layouts: Tuple[str, ...] = (netbox.TASKS,)

    def propose(self, fx: FixContext) -> Iterator[Proposal]:
        if netbox.redis_layout(fx.release) not in self.layouts:
            return
        keys = [(redis.entries["webhooks"].key_stmt, redis.entries["webhooks"].key_node)
                for redis in fx.ctx.dicts("REDIS")
                if "webhooks" in redis.entries and "tasks" not in redis.entries]
        if not keys:
            return
        strings = fx.source.find("webhooks", cst.SimpleString,
                                 lambda node: node.evaluated_value == "webhooks")
        allowed = {id(node) for _, node in keys} | {id(node) for _, node in _redis_indexes(
            fx, "webhooks")}
        if any(id(node) not in allowed for _, node in strings) or \
                any(not isinstance(node, cst.SimpleString) for _, node in keys):
            yield Refusal(self.codes[0], "the text 'webhooks' is used elsewhere in the file too; "
                                         "rename REDIS['webhooks'] to 'tasks' by hand")
            return
        edits = []
        for stmt, node in strings:
            start, end = fx.source.span(node, stmt, parentheses=False)
            edits.append(Edit(start, end, f"{node.quote}tasks{node.quote}"))
        yield Change(self.codes[0], "REDIS: section 'webhooks' renamed 'tasks'", edits,
                     fx.also_bound("REDIS"))


def _redis_indexes(fx: FixContext, text: str) -> List[Tuple[int, cst.SimpleString]]:
    """(statement, string node) for ``text`` used as in ``REDIS['text']``."""
    def is_index(node: cst.Subscript) -> bool:
        return isinstance(node.value, cst.Name) and node.value.value == "REDIS" and \
            len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index) and \
            isinstance(node.slice[0].slice.value, cst.SimpleString) and \
            node.slice[0].slice.value.evaluated_value == text

    return [(stmt, node.slice[0].slice.value)  # type: ignore[attr-defined]
            for stmt, node in fx.source.find(text, cst.Subscript, is_index, within="REDIS")]


class SectionTimeout(Fix):
    codes = ("NBX504",)
    name = "redis-section-timeout"
    summary = ("DEFAULT_TIMEOUT inside a REDIS section (ignored since NetBox 2.10) is removed; "
               "the task section's value becomes RQ_DEFAULT_TIMEOUT when that is not set.")
    examples = (FixExample(
        "REDIS = {\n"
        "    'tasks': {'HOST': 'redis', 'DATABASE': 0, 'DEFAULT_TIMEOUT': 600},\n"
        "    'caching': {\n        'HOST': 'redis',\n        'DATABASE': 1,\n"
        "        'DEFAULT_TIMEOUT': 600,  # seconds\n    },\n}\n",
        "REDIS = {\n"
        "    'tasks': {'HOST': 'redis', 'DATABASE': 0},\n"
        "    'caching': {\n        'HOST': 'redis',\n        'DATABASE': 1,\n"
        "        # seconds\n    },\n}\n"
        "RQ_DEFAULT_TIMEOUT = 600\n",
    ),)

    def propose(self, fx: FixContext) -> Iterator[Proposal]:
        if netbox.SECTION_KEYS["DEFAULT_TIMEOUT"][1] is None or not netbox.is_after(
                fx.release, netbox.SECTION_KEYS["DEFAULT_TIMEOUT"][1]):
            return
        for redis in fx.ctx.dicts("REDIS"):
            layout = redis_layout.analyse(redis, fx.release, True)
            if layout.flat or layout.wrong:
                continue
            timed = [(name, section) for name in ("tasks", "caching")
                     for section in sub_dicts(redis, name) if "DEFAULT_TIMEOUT" in section.entries]
            if not timed:
                continue
            reason = _timeout_refusal(fx, redis, timed)
            if reason:
                yield Refusal(self.codes[0], reason)
                continue
            yield self._move(fx, redis, timed)

    def _move(self, fx: FixContext, redis: DictV, timed: List[Tuple[str, DictV]]) -> Change:
        edits: List[Edit] = []
        moved = False
        for name, section in timed:
            node = section.node
            assert isinstance(node, cst.Dict)
            stmt = section.stmt
            items = read_dict(fx.source, node, stmt).items
            index = next(i for i, item in enumerate(items) if item.key == "DEFAULT_TIMEOUT")
            move = name == "tasks" and not fx.ctx.is_bound(TIMEOUT_SETTING)
            if move:
                item = items[index]
                statement = fx.statement_of(redis.node, redis.stmt)
                if statement is None:
                    move = False
                else:
                    base = fx.source.indentation(fx.source.span(statement, redis.stmt)[0])
                    edits.append(insert_after(fx.source, statement, redis.stmt,
                                              _timeout_statement(fx, item, stmt, base)))
                    moved = True
            edits += remove_entry(fx.source, node, stmt, index, keep_comments=not move)
        summary = "REDIS: DEFAULT_TIMEOUT removed from the sections"
        if moved:
            summary += " and the task section's value moved to RQ_DEFAULT_TIMEOUT"
        first_key = timed[0][1].entries["DEFAULT_TIMEOUT"]
        return Change(self.codes[0], summary, edits, fx.also_bound("REDIS"),
                      at=fx.source.span(first_key.key_node, first_key.key_stmt)[0])


def _timeout_refusal(fx: FixContext, redis: DictV, timed: List[Tuple[str, DictV]]
                     ) -> Optional[str]:
    """Why DEFAULT_TIMEOUT may not be moved: each must be written once, in a section literal
    inside the REDIS literal (later changes to other keys do not matter)."""
    for name, section in timed:
        entry = section.entries["DEFAULT_TIMEOUT"]
        twice = _duplicate(section.node, f"REDIS[{name!r}]") \
            if isinstance(section.node, cst.Dict) else None
        if twice:
            return twice
        if not _inside(section, redis) or len(entry.slots) != 1 or not any(
                isinstance(e, cst.DictElement) and e.key is entry.key_node
                for e in section.node.elements):
            return (f"REDIS[{name!r}]['DEFAULT_TIMEOUT'] is not written once inside the REDIS "
                    "dict literal; move it by hand")
    return None


def _inside(section: DictV, redis: DictV) -> bool:
    """Is ``section`` a dict literal written as a value inside the REDIS literal?"""
    return isinstance(section.node, cst.Dict) and isinstance(redis.node, cst.Dict) and any(
        isinstance(e, cst.DictElement) and e.value is section.node for e in redis.node.elements)


class CacheDatabase(Fix):
    codes = ("NBX201",)
    name = "redis-cache-own-database"
    summary = ("The cache moves to the lowest database number the task queue does not use on "
               "that server (the cache holds nothing that must be kept).")
    examples = (FixExample(
        "REDIS = {\n    'tasks': {'HOST': 'redis', 'DATABASE': 0},\n"
        "    'caching': {'HOST': 'redis', 'DATABASE': 0},\n}\n",
        "REDIS = {\n    'tasks': {'HOST': 'redis', 'DATABASE': 0},\n"
        "    'caching': {'HOST': 'redis', 'DATABASE': 1},\n}\n",
    ), FixExample(
        "REDIS = {\n    'tasks': {'HOST': 'redis'},\n    'caching': {'HOST': 'redis'},\n}\n",
        "REDIS = {\n    'tasks': {'HOST': 'redis'},\n"
        "    'caching': {'HOST': 'redis', 'DATABASE': 1},\n}\n",
    ), FixExample(
        "REDIS = {'HOST': 'localhost', 'DATABASE': 1}  # CACHE_DATABASE defaults to 1\n",
        "REDIS = {'HOST': 'localhost', 'DATABASE': 1, 'CACHE_DATABASE': 0}  # CACHE_DATABASE "
        "defaults to 1\n", "2.6",
    ))

    def propose(self, fx: FixContext) -> Iterator[Proposal]:
        for collision in collisions(fx.ctx):
            used = _task_databases(collision)
            reason = self._refusal(collision) if used else \
                "the task queue's database is not a number written in the file"
            if reason:
                yield Refusal(self.codes[0], reason)
                continue
            number = min(set(range(len(used) + 1)) - used)
            section = collision.section
            where = "REDIS['CACHE_DATABASE']" if collision.key == "CACHE_DATABASE" else \
                "REDIS['caching']['DATABASE']"
            slots = entry_slots(section, collision.key)
            if slots is None:
                assert isinstance(section.node, cst.Dict)
                q = quote_of(section.node)
                edits = insert_entry(fx.source, section.node, section.stmt,
                                     f"{q}{collision.key}{q}: {number}")
                if edits is None:
                    yield Refusal(self.codes[0], f"{where} cannot be added cleanly; set it by hand")
                    continue
            else:
                start, end = fx.source.span(slots[0].node, slots[0].stmt, parentheses=False)
                edits = [Edit(start, end, str(number))]
            queue = " or ".join(str(n) for n in sorted(used))
            reported = collision.cache_db  # where NBX201 put its finding
            yield Change(self.codes[0], f"{where} set to {number} (the task queue uses {queue}); "
                                        "the cache starts empty", edits, fx.also_bound("REDIS"),
                         at=fx.source.span(reported.node, reported.stmt, parentheses=False)[0])

    def _refusal(self, collision: Collision) -> Optional[str]:
        section = collision.section
        if collision.key == "DATABASE" and section.node is collision.task_section.node:
            return ("REDIS['tasks'] and REDIS['caching'] are one dict (the same name or literal "
                    "for both): any database given to the cache is the task queue's too; give "
                    "the cache a dict of its own by hand")
        if section.open or not isinstance(section.node, cst.Dict):
            return "the cache's section is not a dict literal; set its DATABASE by hand"
        if collision.key == "DATABASE" and "URL" in section.entries:
            return "the cache's database is part of its URL; change the URL by hand"
        slots = entry_slots(section, collision.key)
        if slots is None:
            return None
        if len(slots) != 1:
            return "the cache's database is set in several places; change it by hand"
        slot = slots[0]
        if not (isinstance(slot.value, Lit) and slot.node is slot.value.node
                and isinstance(slot.node, cst.Integer)):
            return "the cache's database is not a number written in the file"
        return None


def _task_databases(collision: Collision) -> Set[int]:
    """Every database number the task queue can use (branches included); empty when one of
    them is not a number written in the file (or sits in a URL)."""
    section = collision.task_section
    if "URL" in section.entries:
        return set()
    defaults = netbox.FLAT_DEFAULTS if collision.key == "CACHE_DATABASE" else \
        netbox.SECTION_DEFAULTS
    slots = entry_slots(section, "DATABASE")
    values = [slot.value for slot in slots] if slots is not None else [None]
    used: Set[int] = set()
    for value in values:
        if value is None or isinstance(value, Absent):
            used.add(defaults["DATABASE"])
        elif isinstance(value, Lit) and type(value.value) is int and value.fallback_of is None:
            used.add(value.value)
        else:
            return set()
    return used
