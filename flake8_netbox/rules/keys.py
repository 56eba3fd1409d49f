"""Keys NetBox or Django ignore inside DATABASE, DATABASES and REDIS (NBX504)."""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Optional

from flake8_netbox import netbox
from flake8_netbox.rules import redis_layout
from flake8_netbox.rules.base import (Context, Example, Finding, Rule, closest, misspelling_of,
                                      sub_dicts)
from flake8_netbox.values import DictV
from flake8_netbox.redaction import describe_key


def _closest(key: str, candidates: Iterable[str]) -> str:
    candidates = list(candidates)
    same = case_slip(key, candidates)
    if same:
        return f" (did you mean '{same}'? NetBox's keys are case-sensitive)"
    match = closest(key, candidates, cutoff=0.6)
    return f" (did you mean '{match}'?)" if match else ""


def case_slip(key: str, candidates: Iterable[str]) -> Optional[str]:
    """The candidate that differs from ``key`` only in case ('host' -> 'HOST'), if any."""
    folded = key.casefold()
    for candidate in candidates:
        if candidate != key and candidate.casefold() == folded:
            return candidate
    return None


def _shown(key: Any) -> str:
    return describe_key(key)  # a key may be a secret written in the wrong place


class IgnoredKey(Rule):
    code = "NBX504"
    name = "ignored-key"
    summary = "A key NetBox or Django ignores inside a database dict, REDIS or a REDIS section."
    why = (
        "A misspelt key ('PASSWROD', 'DATABSE') is silently ignored, and the setting falls back "
        "to its default: Redis database 0, no password, localhost. Some keys are ignored by "
        "design: a leftover 'webhooks' section beside 'tasks', flat 2.6 keys beside sections, "
        "DEFAULT_TIMEOUT inside a section since 2.10 (use RQ_DEFAULT_TIMEOUT), "
        "SENTINEL_TIMEOUT in 'caching'. Database dicts accept every key Django accepts. Keys "
        "are case-sensitive: 'host' is ignored, and the message asks whether 'HOST' was meant."
    )
    valid = (
        "DATABASES = {'default': {'NAME': 'netbox', 'CONN_HEALTH_CHECKS': True, 'OPTIONS': {}}}\n",
        Example("REDIS = {'tasks': {'DEFAULT_TIMEOUT': 300}, 'caching': {}}\n", "2.9"),
    )
    invalid = (
        "DATABASE = {\n    'NAME': 'netbox',\n"
        "    'PASSWROD': os.environ['DB_PASSWORD'],  # NBX504\n}\n",
        "REDIS = {\n    'tasks': {'DATABSE': 0},  # NBX504\n    'caching': {'DATABASE': 1},\n}\n",
        "REDIS = {\n    'tasks': {'host': 'redis'},  # NBX504\n"
        "    'caching': {'HOST': 'redis'},\n}\n",
        "REDIS = {\n    'tasks': {'DATABASE': 0},\n    'webhooks': {'DATABASE': 0},  # NBX504\n"
        "    'caching': {'DATABASE': 1, 'DEFAULT_TIMEOUT': 300},  # NBX504\n}\n",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for database in ctx.dicts("DATABASE"):
            yield from self._database(ctx, database, "DATABASE")
        for databases in ctx.dicts("DATABASES"):
            for alias in databases.entries:
                for database in sub_dicts(databases, alias):
                    yield from self._database(ctx, database, f"DATABASES[{_shown(alias)}]")
        for redis in ctx.dicts("REDIS"):
            yield from self._redis(ctx, redis)

    def _database(self, ctx: Context, database: DictV, path: str) -> Iterator[Finding]:
        named_by_nbx003 = misspelling_of(database, "NAME", netbox.DATABASE_KEYS) \
            if "NAME" not in database.entries and not ctx.may_be_incomplete(database) else None
        for key in database.entries:
            if key == named_by_nbx003:
                continue  # NBX003 reports the missing NAME and names this key
            if isinstance(key, str) and key not in netbox.DATABASE_KEYS:
                yield self._at(database, key, f"{path} has the key {_shown(key)}, which Django "
                               f"ignores{_closest(key, netbox.DATABASE_KEYS)}")

    def _redis(self, ctx: Context, redis: DictV) -> Iterator[Finding]:
        layout = redis_layout.analyse(redis, ctx.release, ctx.may_be_incomplete(redis))
        if layout.wrong:
            return  # NBX005 reports the layout
        if layout.flat:
            for key in redis.entries:
                if key not in netbox.FLAT_KEYS:
                    yield self._at(redis, key, f"REDIS has the key {_shown(key)}, which NetBox "
                                   f"ignores{_closest(str(key), netbox.FLAT_KEYS)}")
            return
        used = {layout.task_key, "caching"} - {None}
        named_by_nbx003 = {misspelling_of(redis, section, netbox.SECTION_NAMES)
                           for section in layout.missing}
        for key in redis.entries:
            if key in used or key in named_by_nbx003:
                continue
            if key == "webhooks":
                message = (f"REDIS['webhooks'] is ignored: NetBox {ctx.release} reads the task "
                           "queue from REDIS['tasks']; remove it")
            elif key in netbox.FLAT_KEYS:
                message = (f"REDIS[{_shown(key)}] is ignored beside sections: move it into "
                           "'tasks' and 'caching'")
            else:
                message = (f"REDIS has the key {_shown(key)}, which NetBox ignores"
                           f"{_closest(str(key), ['tasks', 'caching'])}")
            yield self._at(redis, key, message)
        for section in sorted(used):
            for sub in sub_dicts(redis, section):
                yield from self._section(ctx, sub, section)

    def _section(self, ctx: Context, section: DictV, name: str) -> Iterator[Finding]:
        release = ctx.release
        for key in section.entries:
            message = self._section_key(key, name, release)
            if message:
                yield self._at(section, key,
                               f"REDIS[{describe_key(name)}][{_shown(key)}] {message}")

    def _section_key(self, key: Any, section: str, release: netbox.Release) -> Optional[str]:
        span = netbox.SECTION_KEYS.get(key) if isinstance(key, str) else None
        if span is None:
            known = [k for k, (first, last) in netbox.SECTION_KEYS.items()
                     if first <= release and not netbox.is_after(release, last)]
            return f"is ignored by NetBox{_closest(str(key), known)}"
        first, last = span
        if release < first:
            return f"is read from NetBox {first} on: NetBox {release} ignores it"
        if netbox.is_after(release, last):
            if key == "DEFAULT_TIMEOUT":
                return "is ignored since NetBox 2.10: set RQ_DEFAULT_TIMEOUT instead"
            return f"is no longer read: NetBox stopped reading it after {last}"
        if key in netbox.TASK_ONLY_KEYS and section == "caching":
            return "is read only in the task queue's section"
        return None

    def _at(self, container: DictV, key: Any, message: str) -> Finding:
        entry = container.entries[key]
        return self.at(message, entry.key_stmt, entry.key_node)
