"""What NetBox and django-auth-ldap read from ldap_config.py (NetBox loads it when
REMOTE_AUTH_BACKEND is 'netbox.authentication.LDAPBackend')."""

from __future__ import annotations

from typing import Dict, FrozenSet, Optional, Tuple

#: Settings django-auth-ldap reads (every AUTH_LDAP_* name is handed to it).
AUTH_LDAP_SETTINGS: FrozenSet[str] = frozenset("AUTH_LDAP_" + name for name in (
    "ALWAYS_UPDATE_USER", "AUTHORIZE_ALL_USERS", "BIND_AS_AUTHENTICATING_USER",
    "REFRESH_DN_ON_BIND", "BIND_DN", "BIND_PASSWORD", "CONNECTION_OPTIONS", "DENY_GROUP",
    "FIND_GROUP_PERMS", "CACHE_TIMEOUT", "GROUP_SEARCH", "GROUP_TYPE", "MIRROR_GROUPS",
    "MIRROR_GROUPS_EXCEPT", "PERMIT_EMPTY_PASSWORD", "REQUIRE_GROUP", "NO_NEW_USERS",
    "SERVER_URI", "START_TLS", "USER_QUERY_FIELD", "USER_ATTRLIST", "USER_ATTR_MAP",
    "USER_DN_TEMPLATE", "USER_FLAGS_BY_GROUP", "USER_SEARCH", "GLOBAL_OPTIONS",
))
#: Settings NetBox itself reads from ldap_config.py.
NETBOX_LDAP_SETTINGS: FrozenSet[str] = frozenset(
    {"LDAP_IGNORE_CERT_ERRORS", "LDAP_CA_CERT_DIR", "LDAP_CA_CERT_FILE"})
KNOWN: FrozenSet[str] = AUTH_LDAP_SETTINGS | NETBOX_LDAP_SETTINGS

#: django-auth-ldap settings renamed or removed: name -> (what replaces it, or None; when).
#: From django-auth-ldap's changelog: AUTH_LDAP_CACHE_GROUPS and AUTH_LDAP_GROUP_CACHE_TIMEOUT
#: gave way to AUTH_LDAP_CACHE_TIMEOUT in 1.6 (CACHE_GROUPS dropped in 3.0); the profile
#: settings went with Django's AUTH_PROFILE_MODULE (user profiles, removed in Django 1.7).
RETIRED: Dict[str, Tuple[Optional[str], str]] = {
    "AUTH_LDAP_CACHE_GROUPS": ("AUTH_LDAP_CACHE_TIMEOUT",
                               "replaced in django-auth-ldap 1.6, dropped in 3.0"),
    "AUTH_LDAP_GROUP_CACHE_TIMEOUT": ("AUTH_LDAP_CACHE_TIMEOUT",
                                      "replaced in django-auth-ldap 1.6"),
    "AUTH_LDAP_PROFILE_ATTR_MAP": ("AUTH_LDAP_USER_ATTR_MAP",
                                   "removed with Django's user profiles"),
    "AUTH_LDAP_PROFILE_FLAGS_BY_GROUP": ("AUTH_LDAP_USER_FLAGS_BY_GROUP",
                                         "removed with Django's user profiles"),
    "AUTH_LDAP_ALWAYS_UPDATE_PROFILE": ("AUTH_LDAP_ALWAYS_UPDATE_USER",
                                        "removed with Django's user profiles"),
}

#: python-ldap's certificate-check option and the values that switch the check off.
REQUIRE_CERT = "ldap.OPT_X_TLS_REQUIRE_CERT"
NO_CERT_CHECK: FrozenSet[str] = frozenset({"ldap.OPT_X_TLS_NEVER", "ldap.OPT_X_TLS_ALLOW"})

#: Host names that never leave the machine.
LOCAL_HOSTS: FrozenSet[str] = frozenset({"", "localhost", "127.0.0.1", "::1", "[::1]"})


def is_ldap_name(name: str) -> bool:
    return name.startswith("AUTH_LDAP_") or name.startswith("LDAP_")
