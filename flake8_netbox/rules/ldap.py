"""ldap_config.py: the directory server NetBox authenticates against (NBX601-NBX605)."""

from __future__ import annotations

from typing import Iterator, List
from urllib.parse import urlsplit

from flake8_netbox import ldap
from flake8_netbox.rules.base import (LDAP, Context, Example, Finding, Rule, can_be,
                                      present_values, where)
from flake8_netbox.rules.base import closest
from flake8_netbox.rules.names import assigned_settings
from flake8_netbox.values import Lit, Ref, Value

_AD = """\
import ldap
from django_auth_ldap.config import LDAPSearch, NestedGroupOfNamesType
AUTH_LDAP_SERVER_URI = 'ldaps://dc1.corp.example.com ldaps://dc2.corp.example.com'
AUTH_LDAP_CONNECTION_OPTIONS = {ldap.OPT_REFERRALS: 0}
AUTH_LDAP_BIND_DN = 'CN=svc-netbox,OU=Service,DC=corp,DC=example,DC=com'
AUTH_LDAP_BIND_PASSWORD = os.environ['LDAP_BIND_PASSWORD']
AUTH_LDAP_USER_SEARCH = LDAPSearch('OU=Users,DC=corp,DC=example,DC=com', ldap.SCOPE_SUBTREE,
                                   '(sAMAccountName=%(user)s)')
AUTH_LDAP_GROUP_TYPE = NestedGroupOfNamesType()
"""


def _ldap(code: str, version: str = "4.7") -> Example:
    return Example(code, version, "ldap_config.py")


class MissingServerUri(Rule):
    code = "NBX601"
    name = "ldap-server-uri-missing"
    summary = "An LDAP configuration lacks AUTH_LDAP_SERVER_URI."
    applies_to = frozenset({LDAP})
    why = (
        "NetBox refuses to start with the LDAP backend when ldap_config.py has no "
        "AUTH_LDAP_SERVER_URI (\"Required parameter AUTH_LDAP_SERVER_URI is missing from "
        "ldap_config.py\"). A file that can receive names from elsewhere is not reported."
    )
    valid = (_ldap(_AD),)
    invalid = (_ldap("import os  # NBX601\nAUTH_LDAP_BIND_DN = 'cn=netbox,dc=example,dc=com'\n"),)

    def check_absent(self, ctx: Context) -> Iterator[Finding]:
        if ctx.lacks("AUTH_LDAP_SERVER_URI"):
            yield self.at_module("AUTH_LDAP_SERVER_URI is missing: NetBox refuses to start with "
                                 "the LDAP backend without it")


class ClearTextLdap(Rule):
    code = "NBX602"
    name = "ldap-clear-text"
    summary = "A server URI can be ldap:// to another host while AUTH_LDAP_START_TLS is not True."
    applies_to = frozenset({LDAP})
    why = (
        "Over plain ldap:// the bind password and every user's password cross the network in "
        "clear text at each login. Use ldaps://, or set AUTH_LDAP_START_TLS = True to upgrade "
        "the connection. ldapi:// sockets and ldap:// to the local host are not reported."
    )
    valid = (_ldap("AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"),
             _ldap("AUTH_LDAP_SERVER_URI = 'ldap://ldap.example.com'\n"
                   "AUTH_LDAP_START_TLS = True\n"),
             _ldap("AUTH_LDAP_SERVER_URI = 'ldapi:///var/run/slapd/ldapi ldap://localhost'\n"))
    invalid = (_ldap("AUTH_LDAP_SERVER_URI = 'ldaps://dc1.example.com ldap://dc2.example.com'"
                     "  # NBX602\n"),
               _ldap("AUTH_LDAP_SERVER_URI = os.environ.get('LDAP_URI', 'ldap://ldap')  # NBX602\n"
                     "AUTH_LDAP_START_TLS = False\n"))

    def check(self, ctx: Context) -> Iterator[Finding]:
        if self._start_tls_is_on(ctx):
            return
        for value in ctx.facts.values("AUTH_LDAP_SERVER_URI"):
            if isinstance(value, Lit) and isinstance(value.value, str) and \
                    any(_clear_text(uri) for uri in value.value.split()):
                yield self.at("AUTH_LDAP_SERVER_URI can be ldap:// to another host without "
                              "AUTH_LDAP_START_TLS: passwords cross the network in clear text; "
                              "use ldaps://", *where(value))

    def _start_tls_is_on(self, ctx: Context) -> bool:
        """True, or unknown (not judged); False only when it can be False or is unset."""
        if not ctx.is_bound("AUTH_LDAP_START_TLS"):
            # The default is False, unless another file of a split configuration or names
            # from elsewhere can set it.
            return not ctx.lacks("AUTH_LDAP_START_TLS")
        values = ctx.facts.values("AUTH_LDAP_START_TLS")
        return not can_be(values, False) or not all(isinstance(v, Lit) for v in values)


def _clear_text(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
        host = parts.hostname or ""
    except ValueError:
        return False
    return parts.scheme.lower() == "ldap" and host.lower() not in ldap.LOCAL_HOSTS \
        and not host.startswith("127.")


class CertificateChecksOff(Rule):
    code = "NBX603"
    name = "ldap-certificate-checks-off"
    summary = "LDAP certificate checks are off (LDAP_IGNORE_CERT_ERRORS, OPT_X_TLS_NEVER/ALLOW)."
    applies_to = frozenset({LDAP})
    why = (
        "Without certificate checks, TLS to the directory proves nothing: whoever can "
        "intercept the connection poses as the server and collects the bind password and "
        "every password users type at NetBox's login. Give NetBox the directory's CA "
        "(LDAP_CA_CERT_FILE or LDAP_CA_CERT_DIR) instead."
    )
    valid = (_ldap("LDAP_CA_CERT_FILE = '/etc/ssl/certs/corp-ca.pem'\n"
                   "AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"),)
    invalid = (
        _ldap("AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
              "LDAP_IGNORE_CERT_ERRORS = True  # NBX603\n"),
        _ldap("import ldap\nAUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
              "AUTH_LDAP_GLOBAL_OPTIONS = {\n"
              "    ldap.OPT_X_TLS_REQUIRE_CERT: ldap.OPT_X_TLS_NEVER,  # NBX603\n}\n"),
        _ldap("import ldap\nAUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
              "ldap.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_ALLOW)  # NBX603\n"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for value in can_be(ctx.facts.values("LDAP_IGNORE_CERT_ERRORS"), True):
            yield self.at_value("LDAP_IGNORE_CERT_ERRORS can be True: the directory's "
                                "certificate is not checked", value)
        for name in ("AUTH_LDAP_GLOBAL_OPTIONS", "AUTH_LDAP_CONNECTION_OPTIONS"):
            for options in ctx.dicts(name):
                for value in _no_check(present_values(options, ("ref", ldap.REQUIRE_CERT))):
                    yield self.at_value(f"{name} sets OPT_X_TLS_REQUIRE_CERT to "
                                        f"{value.qualname.split('.')[-1]}: the directory's "
                                        "certificate is not checked", value)
        for options, values in ctx.facts.ldap_options:
            if any(isinstance(o, Ref) and o.qualname == ldap.REQUIRE_CERT for o in options):
                for value in _no_check(values):
                    yield self.at_value("ldap.set_option() sets OPT_X_TLS_REQUIRE_CERT to "
                                        f"{value.qualname.split('.')[-1]}: the directory's "
                                        "certificate is not checked", value)


def _no_check(values: List[Value]) -> List[Ref]:
    return [v for v in values if isinstance(v, Ref) and v.qualname in ldap.NO_CERT_CHECK]


class EmptyPasswordBind(Rule):
    code = "NBX604"
    name = "ldap-permit-empty-password"
    summary = "AUTH_LDAP_PERMIT_EMPTY_PASSWORD is True."
    applies_to = frozenset({LDAP})
    why = (
        "An LDAP bind with a user name and an empty password is an anonymous bind, which many "
        "directories accept: with AUTH_LDAP_PERMIT_EMPTY_PASSWORD True, anyone who knows a "
        "user name logs in to NetBox without a password."
    )
    valid = (_ldap("AUTH_LDAP_SERVER_URI = 'ldaps://ldap'\n"
                   "AUTH_LDAP_PERMIT_EMPTY_PASSWORD = False\n"),)
    invalid = (_ldap("AUTH_LDAP_SERVER_URI = 'ldaps://ldap'\n"
                     "AUTH_LDAP_PERMIT_EMPTY_PASSWORD = True  # NBX604\n"),)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for value in can_be(ctx.facts.values("AUTH_LDAP_PERMIT_EMPTY_PASSWORD"), True):
            yield self.at_value("AUTH_LDAP_PERMIT_EMPTY_PASSWORD can be True: an empty "
                                "password becomes an anonymous bind that can succeed", value)


class UnknownLdapSetting(Rule):
    code = "NBX605"
    name = "ldap-unknown-setting"
    summary = "An AUTH_LDAP_* or LDAP_* name that neither django-auth-ldap nor NetBox reads."
    applies_to = frozenset({LDAP})
    why = (
        "django-auth-ldap and NetBox silently ignore names they do not know, so a misspelt "
        "AUTH_LDAP_USER_SEARCH or AUTH_LDAP_REQUIRE_GROUP quietly lets every directory user in, "
        "or none. A name the file reads itself (to build LDAPSearch(...), an f-string or "
        "another setting) is a helper, not a misspelt setting, and is not reported; reading "
        "a name only to rebind it (`X = X.strip()`) does not make it a helper."
    )
    valid = (
        _ldap(_AD),
        _ldap("import ldap, os\nfrom django_auth_ldap.config import LDAPSearch\n"
              "AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
              "AUTH_LDAP_USER_SEARCH_BASEDN = os.environ.get('LDAP_USER_BASE', '')\n"
              "AUTH_LDAP_USER_SEARCH_ATTR = os.environ.get('LDAP_USER_ATTR', 'uid')\n"
              "AUTH_LDAP_USER_SEARCH = LDAPSearch(AUTH_LDAP_USER_SEARCH_BASEDN, "
              "ldap.SCOPE_SUBTREE,\n"
              "                                   f'({AUTH_LDAP_USER_SEARCH_ATTR}=%(user)s)')\n"),
    )
    invalid = (
        _ldap("AUTH_LDAP_SERVER_URI = 'ldaps://ldap'\n"
              "AUTH_LDAP_REQUIRED_GROUP = 'cn=netbox,ou=groups,dc=example,dc=com'"
              "  # NBX605\n"),
        _ldap("AUTH_LDAP_SERVER_URI = 'ldaps://ldap'\n"
              "AUTH_LDAP_REQUIRED_GROUP = os.environ['LDAP_GROUP']  # NBX605\n"
              "AUTH_LDAP_REQUIRED_GROUP = AUTH_LDAP_REQUIRED_GROUP.strip()\n"),
        _ldap("AUTH_LDAP_SERVER_URI = 'ldaps://ldap'\n"
              "AUTH_LDAP_CACHE_GROUPS = True  # NBX605 (use AUTH_LDAP_CACHE_TIMEOUT)\n"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for name, stmt, node in assigned_settings(ctx):
            if ldap.is_ldap_name(name) and name not in ldap.KNOWN and not ctx.is_helper(name):
                if name in ldap.RETIRED:  # a name django-auth-ldap retired: its successor
                    successor, when = ldap.RETIRED[name]
                    hint = f" ({when}); use {successor}" if successor else f" ({when})"
                else:
                    suggestion = closest(name, ldap.KNOWN)
                    hint = f"; did you mean {suggestion}?" if suggestion else ""
                yield self.at(f"{name} is not read by django-auth-ldap or NetBox{hint}", stmt,
                              node)
