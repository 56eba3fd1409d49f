"""Settings and entries NetBox refuses to start without (NBX001-NBX003)."""

from __future__ import annotations

from typing import Iterator, List

from flake8_netbox import netbox
from flake8_netbox.redaction import describe_key
from flake8_netbox.rules import redis_layout
from flake8_netbox.netbox import Release
from flake8_netbox.rules.base import (Context, Example, Finding, Rule, misspelling_of,
                                      sub_dicts)
from flake8_netbox.rules.startup import is_empty
from flake8_netbox.values import DictV, Env, ListV, Lit, Value, compatible

#: NetBox 4.3.0 introduced STORAGES and the inverted STORAGE_BACKEND check (still in 4.7.3).
STORAGE_CHECK_FROM = Release(4, 3, 0)
#: NetBox 4.4.2 moved Sentry to SENTRY_CONFIG and refuses SENTRY_ENABLED without its 'dsn'.
SENTRY_DSN_FROM = Release(4, 4, 2)

_COMPLETE = """\
ALLOWED_HOSTS = ['netbox.example.com']
DATABASES = {'default': {'NAME': 'netbox', 'USER': 'netbox', 'HOST': 'localhost'}}
REDIS = {
    'tasks': {'HOST': 'localhost', 'DATABASE': 0},
    'caching': {'HOST': 'localhost', 'DATABASE': 1},
}
SECRET_KEY = os.environ['SECRET_KEY']
"""


class MissingSetting(Rule):
    code = "NBX001"
    name = "missing-required-setting"
    summary = "A setting NetBox refuses to start without is not set anywhere in the file."
    why = (
        "NetBox checks at start-up that ALLOWED_HOSTS, SECRET_KEY, REDIS and the database "
        "settings exist, and raises ImproperlyConfigured when one is absent: the service does "
        "not come up. From NetBox 4.3 the database may be given as DATABASE (one connection) or "
        "DATABASES (aliases, with a 'default'). A file that can receive names from elsewhere "
        "(`from .base import *`, writes to `globals()`, a module `__getattr__`, `exec`) is never "
        "reported: the names may be defined there. Nor is a part of a split configuration "
        "(extra.py, plugins.py): with `flake8-netbox --config-dir` the folder is judged once, "
        "counting what any of its files sets."
    )
    valid = (
        "import os\n" + _COMPLETE,
        "from .base import *  # the rest comes from base.py\nSECRET_KEY = os.environ['KEY']\n",
        Example("ALLOWED_HOSTS = ['*']\nDATABASE = {'NAME': 'netbox'}\nREDIS = {}\n"
                "SECRET_KEY = os.environ['KEY']\n", "4.2"),
    )
    invalid = (
        "import os  # NBX001\n"
        "ALLOWED_HOSTS = ['netbox.example.com']\n"
        "DATABASES = {'default': {'NAME': 'netbox'}}\n"
        "SECRET_KEY = os.environ['SECRET_KEY']\n",
        Example("ALLOWED_HOSTS = ['*']  # NBX001\nDATABASES = {'default': {'NAME': 'netbox'}}\n"
                "REDIS = {}\nSECRET_KEY = os.environ['KEY']\n", "4.2"),
    )

    def check_absent(self, ctx: Context) -> Iterator[Finding]:
        yield from self._database(ctx)
        for name in netbox.ALWAYS_REQUIRED:
            if ctx.lacks(name):
                yield self.at_module(f"{name} is missing: NetBox {ctx.release} refuses to "
                                     "start without it")

    def _database(self, ctx: Context) -> Iterator[Finding]:
        has_single, has_multi = not ctx.lacks("DATABASE"), not ctx.lacks("DATABASES")
        if netbox.databases_allowed(ctx.release):
            if not has_single and not has_multi:
                yield self.at_module(f"DATABASES is missing: NetBox {ctx.release} refuses to "
                                     "start without DATABASES (or the older DATABASE)")
        elif not has_single:
            hint = (" (DATABASES is read only from 4.3 on)" if has_multi else "")
            yield self.at_module(f"DATABASE is missing: NetBox {ctx.release} refuses to start "
                                 f"without it{hint}")


class BothDatabaseSettings(Rule):
    code = "NBX002"
    name = "refused-setting-combination"
    summary = ("Settings NetBox refuses to see together or alone: DATABASE with DATABASES "
               "(4.3+), STORAGE_BACKEND without STORAGES (4.3.0-4.7.3).")
    why = (
        "From NetBox 4.3 the database connection is given either as DATABASE (the older, single "
        "connection) or as DATABASES (aliases with a 'default'). When both are set NetBox "
        "cannot tell which one is meant and refuses to start. Settings bound in different arms "
        "of one if/else never exist together and are not reported. "
        "NetBox 4.3.0 up to and including 4.7.3 also refuse to start when STORAGE_BACKEND is "
        "set (to anything but None) while STORAGES is not set or empty: the check in "
        "settings.py is inverted (`if STORAGE_BACKEND is not None: if not STORAGES: raise "
        "ImproperlyConfigured('STORAGE_BACKEND and STORAGES are both set, ...')`), so the "
        "deprecated setting only works beside STORAGES, and there it is only warned about. "
        "Move the backend to STORAGES['default']['BACKEND'] (and STORAGE_CONFIG to its "
        "OPTIONS)."
    )
    valid = (
        "DATABASES = {'default': {'NAME': 'netbox'}}\n",
        "if os.environ.get('LEGACY'):\n    DATABASE = {'NAME': 'netbox'}\n"
        "else:\n    DATABASES = {'default': {'NAME': 'netbox'}}\n",
        Example("STORAGES = {'default': {'BACKEND': 'storages.backends.s3.S3Storage'}}\n", "4.7"),
        Example("STORAGE_BACKEND = 'storages.backends.s3.S3Storage'\n", "4.2"),
    )
    invalid = (
        "DATABASE = {'NAME': 'netbox'}\n"
        "DATABASES = {'default': {'NAME': 'netbox'}}  # NBX002\n",
        Example("ALLOWED_HOSTS = ['netbox.example.com']\n"
                "STORAGE_BACKEND = 'storages.backends.s3.S3Storage'  # NBX002\n", "4.7"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if not netbox.databases_allowed(ctx.release):
            return
        yield from self._storage(ctx)
        single = ctx.facts.sites.get("DATABASE", [])
        multi = ctx.facts.sites.get("DATABASES", [])
        together = [(a, b) for a in single for b in multi if compatible(a.path, b.path)]
        if not together:
            return
        first, second = together[0]
        later = max(first, second, key=lambda site: site.stmt)
        yield self.at("both DATABASE and DATABASES are set: NetBox refuses to start; keep "
                      "only DATABASES", later.stmt, later.node)

    def _storage(self, ctx: Context) -> Iterator[Finding]:
        for value in refused_storage_backends(ctx):
            yield self.at_value(
                f"STORAGE_BACKEND is set without STORAGES: NetBox {ctx.release} refuses to "
                "start (NetBox 4.3.0-4.7.3 raise 'STORAGE_BACKEND and STORAGES are both "
                "set'); configure STORAGES['default']['BACKEND'] instead", value)


def refused_storage_backends(ctx: Context) -> List[Value]:
    """The STORAGE_BACKEND values NetBox 4.3.0-4.7.3 refuses because STORAGES is unset or
    empty (settings.py's inverted check: `if STORAGE_BACKEND is not None: if not STORAGES:
    raise ImproperlyConfigured(...)`). NBX002 reports them; NBX502 then says nothing more about
    the same assignment (one finding per cause)."""
    if ctx.release < STORAGE_CHECK_FROM:
        return []
    storages = ctx.facts.values("STORAGES")
    if ctx.is_bound("STORAGES"):
        if not storages or not all(is_empty(v) for v in storages):
            return []
    elif ctx.open_world or not ctx.whole:
        return []
    return [value for value in ctx.facts.values("STORAGE_BACKEND")
            if not (isinstance(value, Lit) and value.value is None or
                    value.fallback_of is not None)
            and isinstance(value, (Lit, Env, DictV, ListV))]


class MissingEntry(Rule):
    code = "NBX003"
    name = "missing-required-entry"
    summary = ("A required entry is missing: a REDIS section, DATABASES['default'], a "
               "database's NAME, or SENTRY_CONFIG's 'dsn' when Sentry is on.")
    why = (
        "NetBox refuses to start when REDIS lacks its task-queue section ('tasks'; 'webhooks' "
        "before 2.7.11) or its 'caching' section, or when DATABASES has no 'default' alias; "
        "Django cannot connect to PostgreSQL without a database NAME. A dict that may be "
        "completed elsewhere (unpacked from another dict, updated from an unknown value, or in "
        "a file that imports names from elsewhere) is not reported. From 4.4.2 NetBox also "
        "refuses to start when SENTRY_ENABLED is True and SENTRY_CONFIG has no 'dsn'."
    )
    valid = (
        "REDIS = {'tasks': {'DATABASE': 0}, 'caching': {'DATABASE': 1}}\n"
        "DATABASES = {'default': {'NAME': 'netbox'}}\n",
        "REDIS = {'tasks': {'DATABASE': 0}, **EXTRA_REDIS}\n",
        Example("REDIS = {'webhooks': {'DATABASE': 0}, 'caching': {'DATABASE': 1}}\n", "2.7.5"),
    )
    invalid = (
        "REDIS = {  # NBX003\n    'tasks': {'DATABASE': 0},\n}\n",
        "DATABASES = {'replica': {'NAME': 'netbox'}}  # NBX003\n",
        "DATABASE = {'USER': 'netbox', 'HOST': 'db'}  # NBX003\n",
        Example("SENTRY_ENABLED = True\nSENTRY_CONFIG = {'sample_rate': 0.2}  # NBX003\n", "4.7"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for redis in ctx.dicts("REDIS"):
            layout = redis_layout.analyse(redis, ctx.release, ctx.may_be_incomplete(redis))
            for section in layout.missing:
                yield self.at(f"REDIS has no '{section}' section"
                              f"{_hint(redis, section, netbox.SECTION_NAMES)}: NetBox "
                              f"{ctx.release} refuses to start without it", redis.stmt,
                              redis.node)
        for databases in ctx.dicts("DATABASES"):
            if not ctx.may_be_incomplete(databases) and "default" not in databases.entries:
                yield self.at("DATABASES has no 'default' alias: NetBox refuses to start "
                              "without it", databases.stmt, databases.node)
            for alias in list(databases.entries):
                for database in sub_dicts(databases, alias):
                    yield from self._name(ctx, database, f"DATABASES[{describe_key(alias)}]")
        for database in ctx.dicts("DATABASE"):
            yield from self._name(ctx, database, "DATABASE")
        yield from self._sentry_dsn(ctx)

    def _sentry_dsn(self, ctx: Context) -> Iterator[Finding]:
        """SENTRY_ENABLED True without SENTRY_CONFIG['dsn'] (settings.py, 4.4.2+)."""
        if ctx.release < SENTRY_DSN_FROM:
            return
        enabled = [v for v in ctx.facts.values("SENTRY_ENABLED") if isinstance(v, Lit)
                   and v.value is True and v.fallback_of is None]
        if not enabled:
            return
        message = (f"SENTRY_ENABLED is True but SENTRY_CONFIG has no 'dsn': NetBox "
                   f"{ctx.release} refuses to start; set SENTRY_CONFIG = {{'dsn': ...}}")
        if not ctx.is_bound("SENTRY_CONFIG"):
            if ctx.whole and not ctx.open_world:
                yield self.at_value(message, enabled[0])
            return
        configs = ctx.facts.values("SENTRY_CONFIG")
        if all(isinstance(c, DictV) and not ctx.may_be_incomplete(c) and _no_dsn(c)
               for c in configs):
            yield self.at_value(message, configs[0])

    def _name(self, ctx: Context, database: DictV, path: str) -> Iterator[Finding]:
        if not ctx.may_be_incomplete(database) and "NAME" not in database.entries:
            yield self.at(f"{path} has no NAME{_hint(database, 'NAME', netbox.DATABASE_KEYS)}: "
                          "Django cannot connect to PostgreSQL without the database's name",
                          database.stmt, database.node)


def _no_dsn(config: DictV) -> bool:
    """SENTRY_CONFIG without a 'dsn', or whose 'dsn' can only be an empty literal."""
    entry = config.entries.get("dsn")
    if entry is None:
        return True
    return all(isinstance(v, Lit) and not v.value and v.fallback_of is None
               for v in entry.values())


def _hint(container: DictV, wanted: str, known: object) -> str:
    key = misspelling_of(container, wanted, known)
    return f" ({describe_key(key)} looks like a misspelling of it)" if key else ""
