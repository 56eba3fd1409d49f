"""REDIS: a layout the release does not read (NBX005), and queue and cache sharing a database
(NBX201)."""

from __future__ import annotations

from itertools import product
from typing import Any, Hashable, Iterator, List, NamedTuple, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

from flake8_netbox import netbox
from flake8_netbox.values import Absent
from flake8_netbox.rules import redis_layout
from flake8_netbox.rules.base import Context, Example, Finding, Rule, entry_slots, sub_dicts
from flake8_netbox.values import DictV, Env, ListV, Lit, Path, Value, compatible, join

NO_SERVICE = None


class WrongLayout(Rule):
    code = "NBX005"
    name = "redis-layout-of-another-release"
    summary = "REDIS is laid out the way another NetBox release expects."
    why = (
        "REDIS changed shape twice. NetBox 2.6 reads one flat dict (DATABASE for queued tasks, "
        "CACHE_DATABASE for the cache); 2.7 split it into a 'webhooks' and a 'caching' section; "
        "2.7.11 renamed 'webhooks' to 'tasks' and 2.9 stopped reading 'webhooks'. A file carried "
        "over from an older release then fails at start-up with a missing section, or its "
        "settings are silently ignored. A leftover 'webhooks' beside 'tasks' is harmless and not "
        "reported here."
    )
    valid = (
        "REDIS = {'tasks': {'DATABASE': 0}, 'caching': {'DATABASE': 1}}\n",
        Example("REDIS = {'HOST': 'localhost', 'DATABASE': 0, 'CACHE_DATABASE': 1}\n", "2.6"),
        Example("REDIS = {'webhooks': {'DATABASE': 0}, 'caching': {'DATABASE': 1}}\n", "2.8"),
    )
    invalid = (
        "REDIS = {  # NBX005\n    'HOST': 'localhost',\n    'DATABASE': 0,\n"
        "    'CACHE_DATABASE': 1,\n}\n",
        "REDIS = {\n    'webhooks': {'DATABASE': 0},  # NBX005\n"
        "    'caching': {'DATABASE': 1},\n}\n",
        Example("REDIS = {  # NBX005\n    'tasks': {'DATABASE': 0},\n"
                "    'caching': {'DATABASE': 1},\n}\n", "2.6"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for redis in ctx.dicts("REDIS"):
            layout = redis_layout.analyse(redis, ctx.release, True)
            for message, stmt, node in layout.wrong:
                yield self.at(message, stmt, node)


class Atom(NamedTuple):
    """One possible value of a server or database part, reduced to what can be compared."""

    key: Optional[Hashable]  # None: unknown, equal to nothing
    label: str  # for messages: a database number or an environment variable, never a secret
    path: Path
    stmt: int
    node: Any


class SharedDatabase(Rule):
    code = "NBX201"
    name = "redis-queue-and-cache-share-a-database"
    summary = "The Redis task queue and the cache use the same database on the same server."
    why = (
        "Whenever the cache is flushed (by an upgrade step, an operator or a cache-clearing "
        "command), a task queue in the same Redis database is flushed with it: queued "
        "background jobs (webhooks, scripts, reports, data syncs) silently never run. NetBox's "
        "documentation has warned about it since 2.6; NetBox itself does not check it. "
        "Since NetBox 2.9 both sections default to database 0, so leaving DATABASE out of both "
        "is itself a collision. Servers are compared by SENTINELS, URL (with its /N path or "
        "?db=N) or HOST and PORT, with NetBox's defaults; values are compared only when both "
        "are known (equal literals, or the same environment lookup)."
    )
    valid = (
        "REDIS = {\n    'tasks': {'HOST': 'redis', 'DATABASE': 0},\n"
        "    'caching': {'HOST': 'redis', 'DATABASE': 1},\n}\n",
        "REDIS = {\n    'tasks': {'HOST': 'redis-queue'},\n"
        "    'caching': {'HOST': 'redis-cache'},\n}\n",
        "REDIS = {\n    'tasks': {'DATABASE': int(os.environ.get('REDIS_DB', 0))},\n"
        "    'caching': {'DATABASE': int(os.environ.get('REDIS_CACHE_DB', 1))},\n}\n",
        Example("REDIS = {'HOST': 'localhost', 'DATABASE': 0, 'CACHE_DATABASE': 1}\n", "2.6"),
    )
    invalid = (
        "REDIS = {\n    'tasks': {'HOST': 'localhost', 'DATABASE': 0},\n"
        "    'caching': {'HOST': 'localhost', 'DATABASE': 0},  # NBX201\n}\n",
        "REDIS = {\n    'tasks': {'HOST': 'redis'},\n"
        "    'caching': {'HOST': 'redis'},  # NBX201\n}\n",
        "REDIS = {\n    'tasks': {'URL': 'redis://redis:6379/1'},\n"
        "    'caching': {'URL': 'redis://redis:6379/1'},  # NBX201\n}\n",
        Example("REDIS = {  # NBX201\n    'HOST': 'localhost',\n"
                "    'DATABASE': 1,  # CACHE_DATABASE is left at its default, 1\n}\n", "2.6"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for collision in collisions(ctx):
            yield self.at(collision.message, collision.cache_db.stmt, collision.cache_db.node)


class Collision(NamedTuple):
    """The task queue and the cache on one database: what --fix needs to move the cache."""

    message: str
    section: DictV  # the dict holding the cache's database number
    key: str  # its key there: DATABASE, or CACHE_DATABASE in the flat 2.6 layout
    task_db: Atom
    cache_db: Atom
    task_section: DictV  # the dict holding the task queue's DATABASE


def collisions(ctx: Context) -> Iterator[Collision]:
    """Each REDIS dict whose task queue and cache share a database, once."""
    for redis in ctx.dicts("REDIS"):
        layout = redis_layout.analyse(redis, ctx.release, True)
        if layout.wrong:
            continue  # NBX005's: the release does not read this dict as written
        if layout.flat:
            yield from _flat(ctx, redis)
        elif layout.task_key is not None:
            yield from _sections(ctx, redis, layout.task_key)


def _flat(ctx: Context, redis: DictV) -> Iterator[Collision]:
    defaults = ctx.defaults_apply(redis)
    tasks = _atoms(redis, "DATABASE", netbox.FLAT_DEFAULTS["DATABASE"], defaults)
    cache = _atoms(redis, "CACHE_DATABASE", netbox.FLAT_DEFAULTS["CACHE_DATABASE"], defaults)
    for task_db, cache_db in product(tasks, cache):
        if _same(task_db, cache_db):
            yield Collision(f"REDIS['DATABASE'] and REDIS['CACHE_DATABASE'] are both "
                            f"{cache_db.label}: flushing the cache deletes queued tasks; give "
                            "CACHE_DATABASE another number", redis, "CACHE_DATABASE", task_db,
                            cache_db, redis)
            return


def _sections(ctx: Context, redis: DictV, task_key: str) -> Iterator[Collision]:
    for tasks, cache in product(sub_dicts(redis, task_key), sub_dicts(redis, "caching")):
        if not compatible(tasks.path, cache.path):
            continue
        for (task_server, task_db), (cache_server, cache_db) in product(
                _locations(ctx, tasks), _locations(ctx, cache)):
            if _same(task_server, cache_server) and _same(task_db, cache_db) and \
                    compatible(task_server.path, task_db.path, cache_server.path,
                               cache_db.path):
                yield Collision(f"REDIS['{task_key}'] and REDIS['caching'] use the same "
                                f"database ({cache_db.label}) on the same server: flushing "
                                "the cache deletes queued jobs; give the cache its own "
                                "DATABASE", cache, "DATABASE", task_db, cache_db, tasks)
                return


def _same(a: Atom, b: Atom) -> bool:
    return a.key is not None and a.key == b.key and compatible(a.path, b.path)


def _atom(value: Value, stmt: int, node: Any, path: Path) -> Atom:
    path = join(path, value.path)
    if isinstance(value, ListV) and not value.open and all(len(i) == 1 for i in value.items):
        parts = [_atom(item[0], stmt, node, path) for item in value.items]
        key = None if any(p.key is None for p in parts) else ("seq", tuple(p.key for p in parts))
        return Atom(key, "", path, stmt, node)
    if isinstance(value, Lit) and isinstance(value.value, (str, int)) and \
            not isinstance(value.value, bool):
        text = value.value.strip() if isinstance(value.value, str) else value.value
        key = int(text) if isinstance(text, str) and text.isdigit() else text
        return Atom(("lit", key), str(key) if isinstance(key, int) else "the same value",
                    path, stmt, node)
    if isinstance(value, Env):
        return Atom(("env", value.ident), f"${value.var}", path, stmt, node)
    return Atom(None, "", path, stmt, node)


def _atoms(section: DictV, key: str, default: Any, defaults: bool) -> List[Atom]:
    """Possible values of ``section[key]``, NetBox's default standing in where it is unset."""
    slots = entry_slots(section, key)
    if slots is None:
        if not defaults:
            return [Atom(None, "", (), section.stmt, section.node)]
        return [Atom(("lit", default), str(default), section.path, section.stmt, section.node)]
    out = []
    for slot in slots:
        if isinstance(slot.value, Absent):
            if defaults:
                out.append(Atom(("lit", default), str(default), slot.path, section.stmt,
                                section.node))
        else:
            out.append(_atom(slot.value, slot.stmt, slot.node, slot.path))
    return out or [Atom(None, "", (), section.stmt, section.node)]


def _locations(ctx: Context, section: DictV) -> List[Tuple[Atom, Atom]]:
    """(server, database) pairs a section can point at: SENTINELS, else URL, else HOST:PORT."""
    defaults = ctx.defaults_apply(section)
    databases = _atoms(section, "DATABASE", 0, defaults)
    out: List[Tuple[Atom, Atom]] = []
    for sentinel in _sentinels(section, defaults):
        if sentinel is not NO_SERVICE:
            out.extend((sentinel, db) for db in databases)
            continue
        urls = _atoms(section, "URL", None, defaults)
        for url in urls:
            if url.key == ("lit", None):  # no URL: HOST and PORT
                hosts = _atoms(section, "HOST", netbox.SECTION_DEFAULTS["HOST"], defaults)
                ports = _atoms(section, "PORT", netbox.SECTION_DEFAULTS["PORT"], defaults)
                for host, port in product(hosts, ports):
                    key = None if host.key is None or port.key is None else \
                        ("host", host.key, port.key)
                    server = Atom(key, "", join(host.path, port.path), host.stmt, host.node)
                    out.extend((server, db) for db in databases)
            else:
                server, db = _split_url(url)
                out.extend((server, d) for d in ([db] if db.key is not None else databases))
    return out


def _split_url(url: Atom) -> Tuple[Atom, Atom]:
    """Server and database of ``redis://host:port/N``, ``rediss://…?db=N``, ``unix:///p?db=N``."""
    if url.key is None or url.key[0] != "lit" or not isinstance(url.key[1], str):
        # An environment lookup: the same lookup means the same server and database.
        return url, url._replace(key=None if url.key is None else ("url-db", url.key))
    try:
        parts = urlsplit(url.key[1])
        database: Optional[int] = None
        path = parts.path if parts.scheme != "unix" else ""
        if path.strip("/").isdigit():
            database = int(path.strip("/"))
        query = parse_qs(parts.query).get("db")
        if query and query[0].isdigit():
            database = int(query[0])
        server = (parts.scheme, parts.hostname, parts.port or 6379,
                  parts.path if parts.scheme == "unix" else "")
    except ValueError:
        return url._replace(key=None), url._replace(key=None)
    db_key = ("lit", database if database is not None else 0)
    label = str(db_key[1])
    return url._replace(key=("url", server)), url._replace(key=db_key, label=label)


def _sentinels(section: DictV, defaults: bool) -> List[Optional[Atom]]:
    """Sentinel identities a section can use, or NO_SERVICE where it uses URL or HOST."""
    slots = entry_slots(section, "SENTINELS")
    if slots is None:
        return [NO_SERVICE]
    services = _atoms(section, "SENTINEL_SERVICE", netbox.SECTION_DEFAULTS["SENTINEL_SERVICE"],
                      defaults)
    out: List[Optional[Atom]] = []
    for slot in slots:
        value = slot.value
        if isinstance(value, Absent) or (isinstance(value, ListV) and not value.items
                                         and not value.open):
            out.append(NO_SERVICE)
        elif isinstance(value, ListV):
            members = _atom(value, slot.stmt, slot.node, slot.path)
            for service in services:
                key = None if members.key is None or service.key is None else \
                    ("sentinels", members.key, service.key)
                out.append(Atom(key, "", members.path, slot.stmt, slot.node))
        else:
            out.append(Atom(None, "", slot.path, slot.stmt, slot.node))
    return out
