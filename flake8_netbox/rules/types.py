"""Values of a type NetBox cannot use (NBX004) and environment strings used as booleans (NBX006)."""

from __future__ import annotations

from typing import Iterator, List, Tuple

from flake8_netbox import netbox
from flake8_netbox.rules.base import (
    Context,
    Example,
    Finding,
    Rule,
    describe,
    is_literal_str,
    present_values,
)
from flake8_netbox.rules.startup import REFUSES, SECRET_TYPE_FROM, refused_values
from flake8_netbox.values import ENV_STR, ENV_TRUTHY, DictV, Env, ListV, Lit, Value
from flake8_netbox.redaction import describe_key, quoted_variable, shown_variable


#: What ADMINS must hold, before Django 6.0 (NetBox 4.6) and from it on.
_ADMINS_FORM = {False: "(name, email) pairs, e.g. [('NetBox admins', 'admins@example.com')]",
                True: "e-mail addresses, e.g. ['admins@example.com']"}
_ADMINS_ENTRY = {False: "a (name, email) pair", True: "an e-mail address (nor are all entries "
                 "(name, email) pairs)"}


def _fails_closed(value: Value) -> bool:
    """An environment default that stops NetBox rather than weakening it: not judged."""
    return value.fallback_of is not None


class WrongType(Rule):
    code = "NBX004"
    name = "unusable-value"
    summary = "A setting has a type or value NetBox cannot use (most: NetBox refuses to start)."
    why = (
        "NetBox passes these settings to Django and its Redis clients as they are. "
        "ALLOWED_HOSTS must be a list or tuple: a string (such as an environment variable "
        "that was never split) is read character by character, and an empty list or an empty "
        "host name makes Django answer every request with 400 Bad Request. SECRET_KEY must be "
        "a string (NetBox 3.5+ refuses to start otherwise); DATABASE, DATABASES, REDIS and "
        "each REDIS section must be dicts (NetBox refuses to start otherwise). ADMINS "
        "must be a list of (name, email) pairs up to NetBox 4.5 (Django unpacks each entry), and a "
        "list of e-mail addresses from 4.6 (Django 6.0; pairs still work, deprecated): "
        "anything else loses every error e-mail. NetBox also "
        "refuses to start on these values, each tested in its settings.py: DISK_BASE_UNIT or "
        "RAM_BASE_UNIT other than 1000 or 1024 (4.2.6+), BULK_UPDATE_CHUNK_SIZE that is not a "
        "positive int or None (4.7+), RQ_DEFAULT_TIMEOUT that is not a number of seconds or "
        "a duration such as '1h' (4.7+), WEBHOOK_DEFAULT_TIMEOUT outside 1-3600 or not less "
        "than RQ_DEFAULT_TIMEOUT (4.7+), and a RELEASE_CHECK_URL that Django's URLValidator "
        "rejects (3.0+). Defaults of environment lookups that make NetBox refuse to start "
        "(an empty list) are the safe failure and not reported."
    )
    valid = (
        "ALLOWED_HOSTS = ['netbox.example.com', 'localhost']\n",
        "ALLOWED_HOSTS = os.environ.get('ALLOWED_HOSTS', '').split(' ')\n",
        Example("ADMINS = [('NetBox admins', 'netbox-admins@example.com')]\n", "4.5"),
        "ADMINS = ['netbox-admins@example.com']  # Django 6.0 (NetBox 4.6) on\n",
        Example("DISK_BASE_UNIT = 1024\nBULK_UPDATE_CHUNK_SIZE = None\n"
                "RQ_DEFAULT_TIMEOUT = '1h'\nWEBHOOK_DEFAULT_TIMEOUT = 120\n"
                "RELEASE_CHECK_URL = 'https://api.github.com/repos/netbox-community/netbox'\n",
                "4.7"),
    )
    invalid = (
        "ALLOWED_HOSTS = []  # NBX004\n",
        "ALLOWED_HOSTS = os.environ['ALLOWED_HOSTS']  # NBX004\n",
        "ALLOWED_HOSTS = ['netbox.example.com', '']  # NBX004\n",
        "REDIS = {'tasks': 'redis://localhost/0', 'caching': {}}  # NBX004\n",
        "SECRET_KEY = 1234567890  # NBX004\n",
        Example("ADMINS = ['netbox-admins@example.com']  # NBX004\n", "4.5"),
        "ADMINS = {'NetBox admins': 'netbox-admins@example.com'}  # NBX004\n",
        Example("DISK_BASE_UNIT = 1000\nRAM_BASE_UNIT = 1048576  # NBX004\n", "4.7"),
        Example("BULK_UPDATE_CHUNK_SIZE = 0  # NBX004\n", "4.7"),
        Example("WEBHOOK_DEFAULT_TIMEOUT = 600  # NBX004\n", "4.7"),
        Example("RQ_DEFAULT_TIMEOUT = '5 minutes'  # NBX004\n", "4.7"),
        Example("RELEASE_CHECK_URL = 'api.github.com/repos/netbox-community/netbox'  # NBX004\n",
                "4.7"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        yield from self._allowed_hosts(ctx)
        for slot in ctx.slots("SECRET_KEY"):
            value = slot.value
            if isinstance(value, Env) and value.kind == ENV_STR or is_literal_str(value):
                continue
            if isinstance(value, (Lit, DictV, ListV, Env)) and not _fails_closed(value):
                refuses = (f"NetBox {ctx.release} {REFUSES}" if ctx.release >= SECRET_TYPE_FROM
                           else "NetBox needs a string")
                yield self.at_value(f"SECRET_KEY is {describe(value)}: {refuses}", value)
        yield from self._admins(ctx)
        for path, value in self._dict_settings(ctx):
            if isinstance(value, (Lit, ListV, Env)) and not _fails_closed(value):
                yield self.at_value(f"{path} is {describe(value)}: NetBox needs a dict and "
                                    f"{REFUSES}", value)
        yield from refused_values(self, ctx)

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
                    f"ALLOWED_HOSTS is a string from {shown_variable(value.var)}: NetBox needs "
                    f"a list and "
                    f"{REFUSES} (Django: 'must be a list or a tuple'); split it, e.g. "
                    f"os.environ[{quoted_variable(value.var)}].split(' ')", value)
            elif isinstance(value, (Lit, DictV)):
                yield self.at_value(f"ALLOWED_HOSTS is {describe(value)}: NetBox needs a list "
                                    f"or tuple of host names and {REFUSES}", value)

    def _admins(self, ctx: Context) -> Iterator[Finding]:
        """ADMINS. Django up to 5.2 (NetBox up to 4.5) does ``for name, address in ADMINS``
        in mail_admins(): a string entry raises ValueError or is split into two characters.
        Django 6.0 (NetBox 4.6 on, django/core/mail/__init__.py) takes a list of address
        strings, still accepts a list made only of (name, address) pairs (deprecated), and
        raises ImproperlyConfigured on anything else: a dict, or strings mixed with pairs."""
        if not netbox.reads("ADMINS", ctx.release):
            return
        strings_allowed = ctx.release >= netbox.Release(4, 6, 0)
        for slot in ctx.slots("ADMINS"):
            value = slot.value
            if _fails_closed(value):
                continue
            if isinstance(value, DictV):
                yield self.at_value(f"ADMINS is a dict: Django needs a list of "
                                    f"{_ADMINS_FORM[strings_allowed]}", value)
            elif isinstance(value, ListV) and not value.open:
                yield from self._admin_entries(value, strings_allowed)

    def _admin_entries(self, admins: ListV, strings_allowed: bool) -> Iterator[Finding]:
        strings, pairs, others = [], [], []
        for item in admins.items:
            if len(item) != 1:
                return  # an entry that can be several things: not judged
            entry = item[0]
            if isinstance(entry, Lit) and isinstance(entry.value, str):
                strings.append(entry)
            elif isinstance(entry, ListV) and not entry.open and len(entry.items) == 2:
                pairs.append(entry)
            elif isinstance(entry, (Lit, ListV, DictV)):
                others.append(entry)
            else:
                return
        wrong = others + (strings if not strings_allowed or pairs else [])
        if wrong and strings_allowed and pairs and not others and len(strings) > len(pairs):
            wrong = pairs  # mostly addresses: the pairs are the odd ones out
        for entry in wrong:
            yield self.at_value(f"an ADMINS entry is not {_ADMINS_ENTRY[strings_allowed]}: "
                                "Django cannot send error e-mail to it", entry)

    def _dict_settings(self, ctx: Context) -> List[Tuple[str, Value]]:
        found: List[Tuple[str, Value]] = []
        for name in ("DATABASE", "DATABASES", "REDIS"):
            found.extend((name, slot.value) for slot in ctx.slots(name))
        for databases in ctx.dicts("DATABASES"):
            for alias in databases.entries:
                found.extend((f"DATABASES[{describe_key(alias)}]", v)
                             for v in present_values(databases, alias))
        for redis in ctx.dicts("REDIS"):
            for section in netbox.SECTION_NAMES & set(redis.entries):
                found.extend((f"REDIS[{describe_key(section)}]", v)
                             for v in present_values(redis, section))
        return found


class EnvironmentBoolean(Rule):
    code = "NBX006"
    name = "string-as-boolean"
    summary = ("A boolean setting is given a string: a string literal, or an environment "
               "variable's string.")
    why = (
        "Every non-empty string is true, 'False' included: `DEBUG = 'False'` switches "
        "debugging on, `'SSL': 'False'` in a REDIS section turns TLS on, and "
        "`DEBUG = os.environ.get('DEBUG', False)` switches debugging on as soon as DEBUG is set "
        "to 'False' (`bool(os.environ['X'])` does the same). Write True or False, or compare "
        "the environment string. Covered: the booleans NetBox reads at the top level (DEBUG, "
        "LOGIN_REQUIRED, MAINTENANCE_MODE, ...), SSL and INSECURE_SKIP_TLS_VERIFY in a REDIS "
        "section (and SSL in the flat 2.6 REDIS dict), and EMAIL's USE_SSL and USE_TLS. The "
        "empty string is false, as meant, and not reported."
    )
    valid = (
        "DEBUG = os.environ.get('DEBUG', 'False').lower() == 'true'\n",
        "REDIS = {'tasks': {'SSL': os.environ.get('REDIS_SSL', 'false') == 'true'}}\n",
        "DEBUG = False\n",
    )
    invalid = (
        "DEBUG = os.environ.get('DEBUG', False)  # NBX006\n",
        "LOGIN_REQUIRED = bool(os.environ.get('LOGIN_REQUIRED', 'True'))  # NBX006\n",
        "EMAIL = {\n    'USE_TLS': os.environ.get('EMAIL_USE_TLS'),  # NBX006\n}\n",
        "DEBUG = 'False'  # NBX006\n",
        "REDIS = {\n    'tasks': {'HOST': 'redis', 'SSL': 'false'},  # NBX006\n"
        "    'caching': {'HOST': 'redis'},\n}\n",
        Example("REDIS = {'HOST': 'localhost', 'SSL': 'False'}  # NBX006\n", "2.6"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        seen = set()
        for path, value in self._booleans(ctx):
            if id(value.node) in seen:
                continue
            seen.add(id(value.node))
            if isinstance(value, Env) and value.kind in (ENV_STR, ENV_TRUTHY):
                yield self.at_value(
                    f"{path} is {'bool() of ' if value.kind == ENV_TRUTHY else ''}a string "
                    f"from {shown_variable(value.var)}: every non-empty string, 'False' included, "
                    "is true; compare it, e.g. "
                    f"os.environ.get({quoted_variable(value.var)}, 'False').lower() == 'true'",
                    value)
            elif is_literal_str(value) and value.value:
                assert isinstance(value, Lit)
                shown = repr(value.value) if value.value.strip().lower() in _BOOLEAN_WORDS \
                    else "a string"
                meant = value.value.strip().lower() not in _FALSE_WORDS
                yield self.at_value(
                    f"{path} is the string {shown}, not a boolean: every non-empty string is "
                    f"true; write {meant} without quotes", value)

    def _booleans(self, ctx: Context) -> List[Tuple[str, Value]]:
        found: List[Tuple[str, Value]] = []
        for name in sorted(netbox.BOOLEAN_SETTINGS):
            if netbox.reads(name, ctx.release):
                found.extend((name, slot.value) for slot in ctx.slots(name))
        for redis in ctx.dicts("REDIS"):
            if "SSL" in redis.entries:  # the flat 2.6 layout
                found.extend(("REDIS['SSL']", v) for v in present_values(redis, "SSL"))
            for section in redis.entries:
                for sub in present_values(redis, section):
                    if isinstance(sub, DictV):
                        for key in sorted(netbox.REDIS_SECTION_BOOLEANS & set(sub.entries)):
                            found.extend((f"REDIS[{describe_key(section)}][{describe_key(key)}]", v)
                                         for v in present_values(sub, key))
        for email in ctx.dicts("EMAIL"):
            for key in sorted(netbox.EMAIL_BOOLEANS & set(email.entries)):
                found.extend((f"EMAIL[{describe_key(key)}]", v) for v in present_values(email, key))
        return found


#: Strings people write for booleans (shown in messages; other text is not echoed).
_FALSE_WORDS = frozenset({"false", "no", "off", "0", "none", "n", "f"})
_BOOLEAN_WORDS = _FALSE_WORDS | {"true", "yes", "on", "1", "y", "t"}
