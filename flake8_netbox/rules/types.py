"""Values of a type NetBox cannot use (NBX004) and environment strings used as booleans (NBX006)."""

from __future__ import annotations

from typing import Iterator, List, Tuple

from flake8_netbox import netbox
from flake8_netbox.rules.base import (
    Context,
    Finding,
    Rule,
    describe,
    is_literal_str,
    present_values,
)
from flake8_netbox.values import ENV_STR, ENV_TRUTHY, DictV, Env, ListV, Lit, Value


def _fails_closed(value: Value) -> bool:
    """An environment default that stops NetBox rather than weakening it: not judged."""
    return value.fallback_of is not None


class WrongType(Rule):
    code = "NBX004"
    name = "unusable-value"
    summary = "A required setting has a type or value NetBox cannot use."
    why = (
        "NetBox passes these settings to Django and its Redis clients as they are. "
        "ALLOWED_HOSTS must be a list or tuple: a string (such as an environment variable "
        "that was never split) is read character by character, and an empty list or an empty "
        "host name makes Django answer every request with 400 Bad Request. SECRET_KEY must be "
        "a string; DATABASE, DATABASES, REDIS and each REDIS section must be dicts. "
        "Defaults of environment lookups that make NetBox refuse to start (an empty list) "
        "are the safe failure and not reported."
    )
    valid = (
        "ALLOWED_HOSTS = ['netbox.example.com', 'localhost']\n",
        "ALLOWED_HOSTS = os.environ.get('ALLOWED_HOSTS', '').split(' ')\n",
    )
    invalid = (
        "ALLOWED_HOSTS = []  # NBX004\n",
        "ALLOWED_HOSTS = os.environ['ALLOWED_HOSTS']  # NBX004\n",
        "ALLOWED_HOSTS = ['netbox.example.com', '']  # NBX004\n",
        "REDIS = {'tasks': 'redis://localhost/0', 'caching': {}}  # NBX004\n",
        "SECRET_KEY = 1234567890  # NBX004\n",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        yield from self._allowed_hosts(ctx)
        for slot in ctx.slots("SECRET_KEY"):
            value = slot.value
            if isinstance(value, Env) and value.kind == ENV_STR or is_literal_str(value):
                continue
            if isinstance(value, (Lit, DictV, ListV, Env)) and not _fails_closed(value):
                yield self.at_value(f"SECRET_KEY is {describe(value)}: NetBox needs a string",
                                    value)
        for path, value in self._dict_settings(ctx):
            if isinstance(value, (Lit, ListV, Env)) and not _fails_closed(value):
                yield self.at_value(f"{path} is {describe(value)}: NetBox needs a dict", value)

    def _allowed_hosts(self, ctx: Context) -> Iterator[Finding]:
        for slot in ctx.slots("ALLOWED_HOSTS"):
            value = slot.value
            if _fails_closed(value):
                continue
            if isinstance(value, ListV):
                if not value.items and not value.open:
                    yield self.at_value("ALLOWED_HOSTS is empty: Django answers every request "
                                        "with 400 Bad Request; list NetBox's host names", value)
                for item in value.items:
                    for host in item:
                        if is_literal_str(host) and not host.value:
                            yield self.at_value("ALLOWED_HOSTS holds an empty host name",
                                                host)
            elif isinstance(value, Env) and value.kind == ENV_STR:
                yield self.at_value(
                    f"ALLOWED_HOSTS is a string from ${value.var}: NetBox needs a list; split "
                    f"it, e.g. os.environ['{value.var}'].split(' ')", value)
            elif isinstance(value, (Lit, DictV)):
                yield self.at_value(f"ALLOWED_HOSTS is {describe(value)}: NetBox needs a list "
                                    "or tuple of host names", value)

    def _dict_settings(self, ctx: Context) -> List[Tuple[str, Value]]:
        found: List[Tuple[str, Value]] = []
        for name in ("DATABASE", "DATABASES", "REDIS"):
            found.extend((name, slot.value) for slot in ctx.slots(name))
        for databases in ctx.dicts("DATABASES"):
            for alias in databases.entries:
                found.extend((f"DATABASES[{alias!r}]", v) for v in present_values(databases, alias))
        for redis in ctx.dicts("REDIS"):
            for section in netbox.SECTION_NAMES & set(redis.entries):
                found.extend((f"REDIS[{section!r}]", v) for v in present_values(redis, section))
        return found


class EnvironmentBoolean(Rule):
    code = "NBX006"
    name = "environment-string-as-boolean"
    summary = "A boolean setting is given an environment variable's string."
    why = (
        "Environment variables are strings, and every non-empty string is true: "
        "`DEBUG = os.environ.get('DEBUG', False)` switches debugging on when DEBUG is set to "
        "'False', and `bool(os.environ['X'])` does the same. Compare the string instead. "
        "Covered: the booleans NetBox reads at the top level (DEBUG, LOGIN_REQUIRED, "
        "MAINTENANCE_MODE, ...), a REDIS section's SSL and INSECURE_SKIP_TLS_VERIFY, and "
        "EMAIL's USE_SSL and USE_TLS."
    )
    valid = (
        "DEBUG = os.environ.get('DEBUG', 'False').lower() == 'true'\n",
        "REDIS = {'tasks': {'SSL': os.environ.get('REDIS_SSL', 'false') == 'true'}}\n",
    )
    invalid = (
        "DEBUG = os.environ.get('DEBUG', False)  # NBX006\n",
        "LOGIN_REQUIRED = bool(os.environ.get('LOGIN_REQUIRED', 'True'))  # NBX006\n",
        "EMAIL = {\n    'USE_TLS': os.environ.get('EMAIL_USE_TLS'),  # NBX006\n}\n",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for path, value in self._booleans(ctx):
            if isinstance(value, Env) and value.kind in (ENV_STR, ENV_TRUTHY):
                yield self.at_value(
                    f"{path} is {'bool() of ' if value.kind == ENV_TRUTHY else ''}a string "
                    f"from ${value.var}: every non-empty string, 'False' included, is true; "
                    f"compare it, e.g. os.environ.get('{value.var}', 'False').lower() == 'true'",
                    value)

    def _booleans(self, ctx: Context) -> List[Tuple[str, Value]]:
        found: List[Tuple[str, Value]] = []
        for name in sorted(netbox.BOOLEAN_SETTINGS):
            if netbox.reads(name, ctx.release):
                found.extend((name, slot.value) for slot in ctx.slots(name))
        for redis in ctx.dicts("REDIS"):
            for section in redis.entries:
                for sub in present_values(redis, section):
                    if isinstance(sub, DictV):
                        for key in sorted(netbox.REDIS_SECTION_BOOLEANS & set(sub.entries)):
                            found.extend((f"REDIS[{section!r}][{key!r}]", v)
                                         for v in present_values(sub, key))
        for email in ctx.dicts("EMAIL"):
            for key in sorted(netbox.EMAIL_BOOLEANS & set(email.entries)):
                found.extend((f"EMAIL[{key!r}]", v) for v in present_values(email, key))
        return found
