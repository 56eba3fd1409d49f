"""Settings NetBox uses as numbers, lists or dicts, given a string (NBX009).

Which settings are lists and dicts comes from the defaults NetBox's own settings.py and
config/parameters.py give them, per release (netbox.default_of(), from the generated release
table). Numbers are reported only where NetBox, Django or the library
receiving the value fails or misbehaves with a string, as read in their code (see NUMBERS).
"""

from __future__ import annotations

from typing import Dict, FrozenSet, Iterator, Optional, Tuple

from flake8_netbox import netbox
from flake8_netbox.netbox import Release
from flake8_netbox.redaction import describe_key, quoted_variable, shown_variable
from flake8_netbox.rules.base import (Context, Example, Finding, Rule, is_literal_str,
                                      present_values)
from flake8_netbox.rules.none_values import is_none_text
from flake8_netbox.values import ENV_STR, DictV, Env, Value

#: Top-level numbers, and what a string does there (NetBox 4.7.3's code unless said otherwise).
#: Left out because a string works: SECURE_HSTS_SECONDS (Django formats it into the header),
#: RQ_DEFAULT_TIMEOUT (rq's parse_timeout() accepts '300' and '1h'), POWERFEED_DEFAULT_* (the
#: model field converts the default), CACHE_TIMEOUT, RELEASE_CHECK_TIMEOUT, NAPALM_TIMEOUT and
#: GRAPHQL_DEFAULT_VERSION (not followed into a library that was read).
NUMBERS: Dict[str, str] = {
    "MAX_PAGE_SIZE": "the REST API compares it with numbers (min(): TypeError on every "
                     "paginated request)",
    "PAGINATE_COUNT": "the REST API compares it with numbers (TypeError on every paginated "
                      "request)",
    "CHANGELOG_RETENTION": "the housekeeping job passes it to timedelta(days=...): TypeError",
    "JOB_RETENTION": "the housekeeping job passes it to timedelta(days=...): TypeError",
    "JOBRESULT_RETENTION": "the housekeeping job passes it to timedelta(days=...): TypeError",
    "DATA_UPLOAD_MAX_MEMORY_SIZE": "Django compares each request's size with it: TypeError",
    "FILE_UPLOAD_MAX_MEMORY_SIZE": "Django compares each upload's size with it: TypeError",
    "LOGIN_TIMEOUT": "it becomes SESSION_COOKIE_AGE, which Django adds to a time at each login: "
                     "TypeError",
    "DISK_BASE_UNIT": "NetBox refuses to start: it must be 1000 or 1024",
    "RAM_BASE_UNIT": "NetBox refuses to start: it must be 1000 or 1024",
    "WEBHOOK_DEFAULT_TIMEOUT": "NetBox refuses to start: it must be an integer",
    "RACK_ELEVATION_DEFAULT_UNIT_HEIGHT": "rack elevations compute with it: TypeError",
    "RACK_ELEVATION_DEFAULT_UNIT_WIDTH": "rack elevations compute with it: TypeError",
    "RQ_RETRY_MAX": "rq's Retry compares it with numbers: TypeError when a job is queued",
    "RQ_RETRY_INTERVAL": "rq's Retry reads a string as a list of intervals, one per character",
    "GRAPHQL_MAX_ALIASES": "the GraphQL alias limiter compares it with numbers: TypeError",
    "GRAPHQL_MAX_QUERY_DEPTH": "the GraphQL depth limiter compares it with numbers: TypeError",
    "BULK_UPDATE_CHUNK_SIZE": "NetBox adds 1 to it when custom fields change: TypeError",
}
#: Numbers inside dicts: (setting, key) -> what a string does there.
DICT_NUMBERS: Dict[Tuple[str, str], str] = {
    ("DATABASE", "CONN_MAX_AGE"): "Django adds it to a time when it connects: TypeError",
    ("EMAIL", "TIMEOUT"): "smtplib hands it to socket.settimeout(): TypeError",
}
SECTION_NUMBERS: Dict[str, str] = {
    "SENTINEL_TIMEOUT": "redis-py hands it to socket.settimeout(): TypeError",
}
#: Covered by another rule: ALLOWED_HOSTS/DATABASES (NBX004), API_TOKEN_PEPPERS (NBX103);
#: EXEMPT_VIEW_PERMISSIONS = '*' behaves as ['*'] (NBX404).
_ELSEWHERE: FrozenSet[str] = frozenset({"DATABASES", "API_TOKEN_PEPPERS"})


def container_kind(name: str, release: Release) -> Optional[str]:
    """'list' or 'dict' when NetBox's default for ``name`` at ``release`` is one (a tuple
    counts as a list), from the release table generated from NetBox's own source."""
    default = netbox.default_of(name, release)
    if default is None:
        return None
    return {"list": "list", "tuple": "list", "dict": "dict"}.get(default[0])


def _string(value: Value) -> bool:
    """An environment string (the variable set), or a non-empty string written in the file."""
    if isinstance(value, Env):
        return value.kind == ENV_STR
    return is_literal_str(value) and bool(value.value)


def _what(value: Value) -> str:
    return f"a string from {shown_variable(value.var)}" if isinstance(value, Env) \
        else "a string"


class StringForNumberOrContainer(Rule):
    code = "NBX009"
    name = "string-for-number-list-or-dict"
    summary = ("A setting NetBox uses as a number, list or dict is given a string (often an "
               "environment lookup without int(), a split or a parser).")
    why = (
        "Environment variables are strings: `MAX_PAGE_SIZE = os.environ.get('MAX_PAGE_SIZE', "
        "1000)` is the number 1000 only while the variable is unset, and a string as soon as "
        "it is set, which NetBox compares with numbers (TypeError on every API request). A "
        "list or dict setting given a string is read character by character, or fails at "
        "the first .get(). Numbers are reported only where NetBox, Django or the library "
        "receiving them fails or misbehaves with a string (read in their code: a Redis or "
        "database PORT, RQ_DEFAULT_TIMEOUT and SECURE_HSTS_SECONDS accept one and are not "
        "reported). Which settings are lists and dicts follows NetBox's own defaults for the "
        "release checked."
    )
    valid = (
        "MAX_PAGE_SIZE = int(os.environ.get('MAX_PAGE_SIZE', 1000))\n",
        "PLUGINS = os.environ.get('PLUGINS', '').split(',')\n",
        "RQ_DEFAULT_TIMEOUT = os.environ.get('RQ_DEFAULT_TIMEOUT', '300')\n",
    )
    invalid = (
        "MAX_PAGE_SIZE = os.environ.get('MAX_PAGE_SIZE', 1000)  # NBX009\n",
        "CHANGELOG_RETENTION = '90'  # NBX009\n",
        "CORS_ORIGIN_WHITELIST = os.environ['CORS_ORIGINS']  # NBX009\n",
        "DATABASE = {\n    'NAME': 'netbox',\n    'CONN_MAX_AGE': '300',  # NBX009\n}\n",
        Example("PLUGINS_CONFIG = os.environ.get('PLUGINS_CONFIG')  # NBX009\n", "4.2"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        seen = set()
        for path, value, message in self._places(ctx):
            if is_none_text(path, value):
                continue  # 'None' where None turns the setting off: NBX608
            if id(value.node) not in seen and _string(value):
                seen.add(id(value.node))
                yield self.at_value(f"{path} is {_what(value)}: {message}", value)

    def _places(self, ctx: Context) -> Iterator[Tuple[str, Value, str]]:
        release = ctx.release
        for name in sorted(ctx.facts.names):
            if not netbox.reads(name, release) or name in _ELSEWHERE:
                continue
            values = ctx.facts.values(name)
            if name in NUMBERS:
                for value in values:
                    yield name, value, f"{NUMBERS[name]}; {_number_hint(name, value)}"
            kind = container_kind(name, release)
            if kind:
                for value in values:
                    if name == "EXEMPT_VIEW_PERMISSIONS" and not isinstance(value, Env):
                        continue
                    yield name, value, _container_hint(name, kind, value)
        for (setting, key), message in DICT_NUMBERS.items():
            for container in ctx.dicts(setting):
                for value in present_values(container, key):
                    yield f"{setting}[{key!r}]", value, f"{message}; {_number_hint(key, value)}"
        for databases in ctx.dicts("DATABASES"):
            for alias in databases.entries:
                for database in present_values(databases, alias):
                    if isinstance(database, DictV):
                        for value in present_values(database, "CONN_MAX_AGE"):
                            yield (f"DATABASES[{describe_key(alias)}]['CONN_MAX_AGE']", value,
                                   f"{DICT_NUMBERS['DATABASE', 'CONN_MAX_AGE']}; "
                                   f"{_number_hint('CONN_MAX_AGE', value)}")
        for redis in ctx.dicts("REDIS"):
            for section in redis.entries:
                for sub in present_values(redis, section):
                    if isinstance(sub, DictV):
                        for key, message in SECTION_NUMBERS.items():
                            for value in present_values(sub, key):
                                yield (f"REDIS[{describe_key(section)}][{key!r}]", value,
                                       f"{message}; {_number_hint(key, value)}")


def _number_hint(name: str, value: Value) -> str:
    if isinstance(value, Env):
        return f"convert it, e.g. int(os.environ[{quoted_variable(value.var)}])"
    return "write the number without quotes"


def _container_hint(name: str, kind: str, value: Value) -> str:
    if kind == "list":
        split = f"os.environ[{quoted_variable(value.var)}].split(',')" \
            if isinstance(value, Env) else "['...', '...']"
        return f"NetBox needs a list or tuple and reads a string character by character; " \
               f"write {split}"
    parse = f"json.loads(os.environ[{quoted_variable(value.var)}])" \
        if isinstance(value, Env) else "a dict"
    return f"NetBox needs a dict; write {parse}"
