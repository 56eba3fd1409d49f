"""ldap_config.py: TLS modes that contradict each other (NBX606), and NetBox or Django settings
written into ldap_config.py, where NetBox ignores them (NBX607)."""

from __future__ import annotations

from typing import Iterator, List, Optional, Tuple
from urllib.parse import urlsplit

from flake8_netbox import ldap, netbox
from flake8_netbox.rules.base import LDAP, Context, Example, Finding, Rule, can_be, where
from flake8_netbox.rules.names import assigned_settings
from flake8_netbox.values import Lit

#: The ports of plain LDAP (and StartTLS) and of LDAP over TLS.
LDAP_PORT, LDAPS_PORT = 389, 636


def _ldap(code: str, version: str = "4.7") -> Example:
    return Example(code, version, "ldap_config.py")


def _uris(text: str) -> List[Tuple[str, Optional[int]]]:
    """(scheme, port or None) of each URI of a space-separated AUTH_LDAP_SERVER_URI."""
    found = []
    for part in text.split():
        try:
            parts = urlsplit(part)
            port = parts.port
        except ValueError:
            continue
        found.append((parts.scheme.lower(), port))
    return found


class ContradictoryTls(Rule):
    code = "NBX606"
    name = "ldap-tls-modes-contradict"
    summary = ("LDAP TLS modes contradict each other: AUTH_LDAP_START_TLS with ldaps://, "
               "ldaps:// on port 389 or ldap:// on port 636.")
    applies_to = frozenset({LDAP})
    why = (
        "ldaps:// speaks TLS from the first byte (port 636); StartTLS upgrades a plain ldap:// "
        "connection (port 389). AUTH_LDAP_START_TLS = True on an ldaps:// connection asks to "
        "start TLS inside TLS, which the server refuses, so every login fails; ldaps:// to "
        "port 389 or ldap:// to port 636 talks the wrong protocol to the port and never "
        "connects (or, with ldap:// to a port that accepts plain text, sends passwords in "
        "clear)."
    )
    valid = (_ldap("AUTH_LDAP_SERVER_URI = 'ldap://ldap.example.com'\n"
                   "AUTH_LDAP_START_TLS = True\n"),
             _ldap("AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com:636'\n"))
    invalid = (
        _ldap("AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
              "AUTH_LDAP_START_TLS = True  # NBX606\n"),
        _ldap("AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com:389'  # NBX606\n"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        uris = [v for v in ctx.facts.values("AUTH_LDAP_SERVER_URI")
                if isinstance(v, Lit) and isinstance(v.value, str)]
        for value in uris:
            for scheme, port in _uris(value.value):
                if scheme == "ldaps" and port == LDAP_PORT:
                    yield self.at("AUTH_LDAP_SERVER_URI is ldaps:// on port 389, the plain LDAP "
                                  "port: use port 636, or ldap:// with AUTH_LDAP_START_TLS",
                                  *where(value))
                    break
                if scheme == "ldap" and port == LDAPS_PORT:
                    yield self.at("AUTH_LDAP_SERVER_URI is ldap:// on port 636, the LDAPS port: "
                                  "use ldaps://", *where(value))
                    break
        # START_TLS on a connection that is TLS already: only when every URI is ldaps://.
        all_ldaps = uris and len(uris) == len(ctx.facts.values("AUTH_LDAP_SERVER_URI")) and all(
            _uris(v.value) and all(s == "ldaps" for s, _ in _uris(v.value)) for v in uris)
        if all_ldaps:
            for value in can_be(ctx.facts.values("AUTH_LDAP_START_TLS"), True):
                yield self.at_value("AUTH_LDAP_START_TLS is True with an ldaps:// server URI: "
                                    "the connection is TLS already and StartTLS fails; remove "
                                    "AUTH_LDAP_START_TLS (or use ldap://)", value)


#: Names besides NetBox's settings that belong in configuration.py (Django's, read there).
_DJANGO_SETTINGS = frozenset({"AUTHENTICATION_BACKENDS", "LOGIN_URL", "LOGIN_REDIRECT_URL",
                              "SESSION_ENGINE", "CACHES", "INSTALLED_APPS", "MIDDLEWARE"})


class SettingInLdapConfig(Rule):
    code = "NBX607"
    name = "netbox-setting-in-ldap-config"
    summary = "A NetBox or Django setting (not AUTH_LDAP_*/LDAP_*) is set in ldap_config.py."
    applies_to = frozenset({LDAP})
    why = (
        "NetBox reads only AUTH_LDAP_* names and LDAP_IGNORE_CERT_ERRORS, LDAP_CA_CERT_DIR and "
        "LDAP_CA_CERT_FILE from ldap_config.py (netbox/authentication: LDAPBackend). "
        "REMOTE_AUTH_BACKEND, REMOTE_AUTH_DEFAULT_GROUPS, LOGIN_REQUIRED and every other "
        "NetBox setting written there is silently ignored: set it in configuration.py. A name "
        "the file also reads (a helper) is not reported."
    )
    valid = (_ldap("AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
                   "AUTH_LDAP_START_TLS = False\n"),)
    invalid = (_ldap("AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
                     "REMOTE_AUTH_DEFAULT_GROUPS = ['staff']  # NBX607\n"),)

    def check(self, ctx: Context) -> Iterator[Finding]:
        known = netbox.known_names() | _DJANGO_SETTINGS
        loaded = ctx.loaded_names()
        for name, stmt, node in assigned_settings(ctx):
            if name in known and not ldap.is_ldap_name(name) and name not in loaded:
                yield self.at(f"{name} is a NetBox setting: NetBox ignores it in "
                              "ldap_config.py; set it in configuration.py", stmt, node)
