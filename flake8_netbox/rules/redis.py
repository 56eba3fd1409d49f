"""REDIS: a layout the release does not read (NBX005), and queue and cache sharing a database
(NBX201)."""

from __future__ import annotations

import ast
from itertools import product
from typing import Any, Hashable, Iterator, List, NamedTuple, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

import libcst as cst

from flake8_netbox import netbox
from flake8_netbox.values import Absent
from flake8_netbox.rules import redis_layout
from flake8_netbox.rules.base import Context, Example, Finding, Rule, entry_slots, sub_dicts
from flake8_netbox.values import (DictV, Env, ListV, Lit, Path, Unknown, Value, compatible,
                                  join)
from flake8_netbox.redaction import shown_variable

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
        "is itself a collision. Servers are compared as NetBox picks them: SENTINELS (with "
        "SENTINEL_SERVICE), else URL (from 4.0.3; its ?db=N or /N, else DATABASE for the task "
        "queue and database 0 for the cache), else HOST and PORT, with NetBox's defaults. A URL "
        "and a HOST/PORT pair naming one server are the same server (credentials, case and "
        "the local host's names aside). Values are compared only when both are known: equal "
        "literals, the same environment lookup (a default included), or the same expression "
        "over the environment (a Sentinel list built from one variable in both sections)."
    )
    valid = (
        "REDIS = {\n    'tasks': {'HOST': 'redis', 'DATABASE': 0},\n"
        "    'caching': {'HOST': 'redis', 'DATABASE': 1},\n}\n",
        "REDIS = {\n    'tasks': {'HOST': 'redis-queue'},\n"
        "    'caching': {'HOST': 'redis-cache'},\n}\n",
        "REDIS = {\n    'tasks': {'DATABASE': int(os.environ.get('REDIS_DB', 0))},\n"
        "    'caching': {'DATABASE': int(os.environ.get('REDIS_CACHE_DB', 1))},\n}\n",
        Example("REDIS = {'HOST': 'localhost', 'DATABASE': 0, 'CACHE_DATABASE': 1}\n", "2.6"),
        "REDIS = {\n    'tasks': {'URL': 'redis://redis.example.com:6379', 'DATABASE': 0},\n"
        "    'caching': {'HOST': 'redis.example.com', 'DATABASE': 1},\n}\n",
        "REDIS = {\n    'tasks': {'SENTINELS': [('sentinel', 26379)],\n"
        "              'SENTINEL_SERVICE': os.environ['QUEUE_SERVICE'], 'DATABASE': 1},\n"
        "    'caching': {'SENTINELS': [('sentinel', 26379)],\n"
        "                'SENTINEL_SERVICE': os.environ['CACHE_SERVICE'], 'DATABASE': 1},\n}\n",
    )
    invalid = (
        "REDIS = {\n    'tasks': {'HOST': 'localhost', 'DATABASE': 0},\n"
        "    'caching': {'HOST': 'localhost', 'DATABASE': 0},  # NBX201\n}\n",
        "REDIS = {\n    'tasks': {'HOST': 'redis'},\n"
        "    'caching': {'HOST': 'redis'},  # NBX201\n}\n",
        "REDIS = {\n    'tasks': {'URL': 'redis://redis:6379/1'},\n"
        "    'caching': {'URL': 'redis://redis:6379/1'},  # NBX201\n}\n",
        "REDIS = {\n    'tasks': {'URL': 'rediss://netbox@Redis.example.com:6379/?db=3'},\n"
        "    'caching': {'HOST': 'redis.example.com', 'DATABASE': 3},  # NBX201\n}\n",
        "SENTINELS = [(h, 26379) for h in os.environ['SENTINEL_HOSTS'].split()]\n"
        "REDIS = {\n"
        "    'tasks': {'SENTINELS': SENTINELS, 'DATABASE': 1,\n"
        "              'SENTINEL_SERVICE': os.environ.get('REDIS_SERVICE', 'netbox')},\n"
        "    'caching': {'SENTINELS': SENTINELS, 'DATABASE': 1,  # NBX201\n"
        "                'SENTINEL_SERVICE': os.environ.get('REDIS_SERVICE', 'netbox')},\n}\n",
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
                _locations(ctx, tasks, False), _locations(ctx, cache, True)):
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
    if isinstance(value, ListV) and not value.open:
        keys = [_item_key(item) for item in value.items]
        key = None if any(k is None for k in keys) else ("seq", tuple(keys))
        return Atom(key, "", path, stmt, node)
    if isinstance(value, Unknown):
        return Atom(_unknown_key(value), "", path, stmt, node)
    if isinstance(value, Lit) and isinstance(value.value, (str, int)) and \
            not isinstance(value.value, bool):
        text = value.value.strip() if isinstance(value.value, str) else value.value
        key = int(text) if isinstance(text, str) and text.isdigit() else text
        return Atom(("lit", key), str(key) if isinstance(key, int) else "the same value",
                    path, stmt, node)
    if isinstance(value, Env):
        return Atom(("env", value.ident), shown_variable(value.var), path, stmt, node)
    return Atom(None, "", path, stmt, node)


def _item_key(alternatives: List[Value]) -> Optional[Hashable]:
    """A list item's identity: its one value's, or, for the set/unset pair of an environment
    lookup with a default (alternatives that depend on no branch), the set of them all: two
    identical lookups hold the same value in every run."""
    if len(alternatives) == 1:
        return _atom(alternatives[0], 0, None, ()).key
    if any(alt.path for alt in alternatives):
        return None
    keys = [_atom(alt, 0, None, ()).key for alt in alternatives]
    return None if any(k is None for k in keys) else ("alts", frozenset(keys))


#: Names an expression may read and still depend on nothing but the environment.
_ENVIRONMENT_NAMES = frozenset({"os", "environ", "getenv", "int", "str", "tuple", "list",
                                "float", "bool", "len", "range", "map", "filter", "zip", "dict"})


def _unknown_key(value: Unknown) -> Optional[Hashable]:
    """Two values the evaluator does not follow are still the same when they are the same
    value (one helper name read twice), or when they are the same expression over the
    environment alone (``[tuple(s.split(':')) for s in os.environ['SENTINELS'].split()]``
    written in both sections): the text, without spaces and comments, is compared."""
    node = value.node
    if node is None:
        return None
    try:
        text = cst.Module(body=[]).code_for_node(node)
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError, TypeError):
        return ("value", id(value))
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
             and isinstance(n.ctx, ast.Store)}  # comprehension variables
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Load)}
    if read - bound - _ENVIRONMENT_NAMES:
        return ("value", id(value))
    return ("expression", ast.dump(tree))


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


def _locations(ctx: Context, section: DictV, cache: bool) -> List[Tuple[Atom, Atom]]:
    """(server, database) pairs a section can point at, as NetBox (4.7.3 settings.py) picks
    them: SENTINELS, else URL (read from 4.0.3), else HOST and PORT. A URL's own database
    (``?db=N``, else its ``/N`` path) wins; without one the task queue (django-rq passes
    DATABASE as redis-py's ``db``) uses DATABASE and the cache (django-redis reads only the
    URL) database 0. Servers named by URL and by HOST/PORT are compared alike."""
    defaults = ctx.defaults_apply(section)
    databases = _atoms(section, "DATABASE", 0, defaults)
    reads_url = ctx.release >= netbox.SECTION_KEYS["URL"][0]
    out: List[Tuple[Atom, Atom]] = []
    for sentinel in _sentinels(section, defaults):
        if sentinel is not NO_SERVICE:
            out.extend((sentinel, db) for db in databases)
            continue
        urls = _atoms(section, "URL", None, defaults) if reads_url else \
            [Atom(("lit", None), "", section.path, section.stmt, section.node)]
        for url in urls:
            if url.key == ("lit", None):  # no URL: HOST and PORT
                hosts = _atoms(section, "HOST", netbox.SECTION_DEFAULTS["HOST"], defaults)
                ports = _atoms(section, "PORT", netbox.SECTION_DEFAULTS["PORT"], defaults)
                for host, port in product(hosts, ports):
                    server = Atom(_server_key(host.key, port.key), "", join(host.path, port.path),
                                  host.stmt, host.node)
                    out.extend((server, db) for db in databases)
            else:
                server, db = _split_url(url)
                if db.key is not None:
                    out.append((server, db))
                elif cache:
                    out.append((server, db._replace(key=("lit", 0), label="0")))
                else:
                    out.extend((server, d) for d in databases)
    return out


def _server_key(host: Optional[Hashable], port: Optional[Hashable]) -> Optional[Hashable]:
    """One key for a TCP server, however it is written (HOST and PORT, or a URL)."""
    if host is None or port is None:
        return None
    if host[0] == "lit" and isinstance(host[1], str):
        name = host[1].strip().lower().rstrip(".").strip("[]")
        host = ("lit", "localhost" if name in _LOOPBACK else name)
    return ("tcp", host, port)


#: Names of the local host (a Redis server bound to the loopback interface answers all).
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "localhost.localdomain"})


def _split_url(url: Atom) -> Tuple[Atom, Atom]:
    """Server and database of ``redis://[user:password@]host:port/N``, ``rediss://…?db=N``,
    ``unix:///path?db=N`` (the database key is None when the URL names none)."""
    if url.key is None or url.key[0] != "lit" or not isinstance(url.key[1], str):
        # An environment lookup: the same lookup means the same server and database.
        return url, url._replace(key=None if url.key is None else ("url-db", url.key))
    try:
        parts = urlsplit(url.key[1].strip())
        scheme = parts.scheme.lower()
        database: Optional[int] = None
        query = parse_qs(parts.query).get("db")
        if query and query[0].isdigit():
            database = int(query[0])
        elif scheme != "unix" and parts.path.strip("/").isdigit():
            database = int(parts.path.strip("/"))
        if scheme == "unix":
            server: Optional[Hashable] = ("unix", parts.path.rstrip("/"))
        elif scheme in ("redis", "rediss") and parts.hostname:
            server = _server_key(("lit", parts.hostname), ("lit", parts.port or 6379))
        else:
            server = None
    except ValueError:  # a port out of range, a malformed address
        return url._replace(key=None), url._replace(key=None)
    if database is None:
        return url._replace(key=server), url._replace(key=None)
    return url._replace(key=server), url._replace(key=("lit", database), label=str(database))


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
        elif isinstance(value, (ListV, Env, Unknown)):
            # A list written in the file, or one read from the environment (split, or built
            # by a comprehension over a lookup): identical ones name the same Sentinel set.
            members = _atom(value, slot.stmt, slot.node, slot.path)
            for service in services:
                key = None if members.key is None or service.key is None else \
                    ("sentinels", members.key, service.key)
                out.append(Atom(key, "", join(members.path, service.path), slot.stmt,
                                slot.node))
        else:
            out.append(Atom(None, "", slot.path, slot.stmt, slot.node))
    return out
