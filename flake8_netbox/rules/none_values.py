"""The text 'None', 'null' or '' where a setting must be None to be off, and None interpolated
into a URI or DN (NBX608).

Which settings, and whether '' is also wrong, comes from the code that reads them: a setting
tested with ``is not None`` takes '' as a value too; one tested for truth takes '' as off.
"""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional, Tuple

import libcst as cst

from flake8_netbox import netbox
from flake8_netbox.redaction import describe_key
from flake8_netbox.rules.base import (LDAP, NETBOX, Context, Example, Finding, Rule,
                                      present_values, where)
from flake8_netbox.values import DictV, Lit, Value

#: The texts people write for None.
NONE_WORDS = frozenset({"none", "null", "nil"})

#: configuration.py: setting -> is '' wrong too? (NetBox 4.7.3 netbox/settings.py)
NETBOX_NONE_SETTINGS: Dict[str, bool] = {
    "LOGIN_TIMEOUT": True,  # `if LOGIN_TIMEOUT is not None:` -> SESSION_COOKIE_AGE
    "SESSION_FILE_PATH": True,  # `if SESSION_FILE_PATH is not None:` -> file sessions there
    "STORAGE_BACKEND": True,  # `if STORAGE_BACKEND is not None:` -> imported
    "STORAGE_CONFIG": True,  # `if STORAGE_CONFIG is not None:`
    "RELEASE_CHECK_URL": False,  # `if RELEASE_CHECK_URL:` ('' is off)
    "GRAPHQL_MAX_QUERY_DEPTH": False,  # a limit when set
    "DEFAULT_DASHBOARD": False,
}
#: ldap_config.py: setting -> is '' wrong too? (django-auth-ldap 5.4 backend.py; NetBox's
#: LDAPBackend for LDAP_CA_CERT_*)
LDAP_NONE_SETTINGS: Dict[str, bool] = {
    "AUTH_LDAP_USER_DN_TEMPLATE": True,  # `is not None`: a template of the text given
    "AUTH_LDAP_REQUIRE_GROUP": True,  # `is not None`: a group nobody is in
    "AUTH_LDAP_DENY_GROUP": True,  # `is not None`
    "AUTH_LDAP_USER_SEARCH": True,  # `is None` check, then used as an LDAPSearch
    "AUTH_LDAP_GROUP_SEARCH": True,
    "AUTH_LDAP_GROUP_TYPE": True,
    "AUTH_LDAP_USER_QUERY_FIELD": False,  # tested for truth
    "LDAP_CA_CERT_DIR": False,  # `if ca_cert_dir := getattr(...)`
    "LDAP_CA_CERT_FILE": False,
}
#: Settings holding a URI or DN, where an interpolated None becomes the text 'None'.
LDAP_URI_OR_DN = ("AUTH_LDAP_SERVER_URI", "AUTH_LDAP_BIND_DN", "AUTH_LDAP_USER_DN_TEMPLATE",
                  "AUTH_LDAP_REQUIRE_GROUP", "AUTH_LDAP_DENY_GROUP")


def none_text(value: Value, empty_counts: bool) -> Optional[str]:
    """How a string stands for None ('None', 'null', or the empty string), or None."""
    if not (isinstance(value, Lit) and isinstance(value.value, str)):
        return None
    text = value.value.strip()
    if text.lower() in NONE_WORDS:
        return repr(value.value)
    if not value.value and empty_counts:
        return "the empty string"
    return None


def is_none_text(name: str, value: Value) -> bool:
    """Is ``value`` NBX608's for top-level ``name`` (so other rules leave it alone)?"""
    table = {**NETBOX_NONE_SETTINGS, **LDAP_NONE_SETTINGS}
    return name in table and none_text(value, table[name]) is not None


class NoneAsText(Rule):
    code = "NBX608"
    name = "none-written-as-text"
    applies_to = frozenset({NETBOX, LDAP})
    summary = ("'None', 'null' or '' where a setting must be None to be off, or a None "
               "interpolated into an LDAP URI or DN.")
    why = (
        "Settings that are off when None are tested with `is not None`: the string 'None' is "
        "not None, so `AUTH_LDAP_USER_DN_TEMPLATE = 'None'` turns on a DN template of the text "
        "None and every login fails, `AUTH_LDAP_REQUIRE_GROUP = ''` requires a group nobody is "
        "in, and `SESSION_FILE_PATH = 'None'` stores sessions in a folder called None. An "
        "f-string holding a name that can be None (`f'ldap://{host}'` with "
        "`host = os.environ.get('LDAP_HOST')`) makes the text 'ldap://None'. The empty string "
        "is reported only where NetBox or django-auth-ldap tests for None, not for truth."
    )
    valid = (
        Example("AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
                "AUTH_LDAP_USER_DN_TEMPLATE = None\n", filename="ldap_config.py"),
        "RELEASE_CHECK_URL = ''\n",
    )
    invalid = (
        Example("AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
                "AUTH_LDAP_USER_DN_TEMPLATE = 'None'  # NBX608\n", filename="ldap_config.py"),
        Example("host = os.environ.get('LDAP_HOST')\n"
                "AUTH_LDAP_SERVER_URI = f'ldaps://{host}'  # NBX608\n",
                filename="ldap_config.py"),
        "SESSION_FILE_PATH = 'None'  # NBX608\n",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        seen = set()
        for name, empty_counts in {**NETBOX_NONE_SETTINGS, **LDAP_NONE_SETTINGS}.items():
            if name in NETBOX_NONE_SETTINGS and not netbox.reads(name, ctx.release):
                continue
            for value in ctx.facts.values(name):
                shown = none_text(value, empty_counts)
                if shown and id(value.node) not in seen:
                    seen.add(id(value.node))
                    yield self.at(f"{name} is {shown}, which is not None: it is used as a "
                                  "value; write None (without quotes) to turn it off",
                                  *where(value))
        for name, value in self._uri_values(ctx):
            names = _none_fields(ctx, value.node)
            if names and id(value.node) not in seen:
                seen.add(id(value.node))
                yield self.at_value(f"{name} interpolates {{{names[0]}}}, which can be None: "
                                    "the text 'None' ends up in it; give the lookup a default "
                                    "or use os.environ[...] so that a missing variable fails",
                                    value)

    def _uri_values(self, ctx: Context) -> List[Tuple[str, Value]]:
        found = [(name, v) for name in LDAP_URI_OR_DN for v in ctx.facts.values(name)]
        for redis in ctx.dicts("REDIS"):
            for section in redis.entries:
                for sub in present_values(redis, section):
                    if isinstance(sub, DictV):
                        found += [(f"REDIS[{describe_key(section)}]['URL']", v)
                                  for v in present_values(sub, "URL")]
        return found


def _none_fields(ctx: Context, node: object) -> List[str]:
    """Names in an f-string's fields that can hold None (a module-level name bound to None,
    or to an environment lookup without a default)."""
    if not isinstance(node, cst.FormattedString):
        return []
    names = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringExpression) and \
                isinstance(part.expression, cst.Name):
            name = part.expression.value
            if any(isinstance(v, Lit) and v.value is None for v in ctx.facts.values(name)):
                names.append(name)
    return names
