"""What NetBox itself requires, per release: the facts the rules compare a configuration with."""

from __future__ import annotations

from typing import Dict, FrozenSet, Optional, Tuple

from flake8_netbox.parameters import PARAMETERS
from flake8_netbox.releases import DEFAULT_RELEASE, Release, parse_release

__all__ = ["DEFAULT_RELEASE", "Release", "parse_release"]


def _release_of(text: str) -> Release:
    """Release from parameters.tsv notation (``4.7.0-beta1`` counts as 4.7.0)."""
    major, minor, patch = text.split("-")[0].split(".")
    return Release(int(major), int(minor), int(patch))


#: name -> (first release reading it, last release reading it or None).
READ_BY: Dict[str, Tuple[Release, Optional[Release]]] = {
    name: (_release_of(first), _release_of(last) if last else None)
    for name, _kind, first, last in PARAMETERS
}


def reads(name: str, release: Release) -> bool:
    """Does ``release`` read the top-level setting ``name``?"""
    if name.startswith("SOCIAL_AUTH_"):
        return release >= Release(3, 1, 0)
    span = READ_BY.get(name)
    if span is None:
        return False
    first, last = span
    return first <= release and (last is None or release <= last)


# -- required settings -------------------------------------------------------------------------

#: Required at start-up in every release, besides the database settings.
ALWAYS_REQUIRED: Tuple[str, ...] = ("ALLOWED_HOSTS", "REDIS", "SECRET_KEY")


def databases_allowed(release: Release) -> bool:
    """DATABASES (a dict of aliases) replaces DATABASE from 4.3."""
    return release >= Release(4, 3, 0)


# -- REDIS layouts -----------------------------------------------------------------------------

FLAT = "flat"  # 2.6: one dict with DATABASE and CACHE_DATABASE
WEBHOOKS = "webhooks"  # 2.7.0 - 2.7.10: 'webhooks' and 'caching'
TASKS_OR_WEBHOOKS = "tasks-or-webhooks"  # 2.7.11 - 2.8: 'tasks' (or the old 'webhooks')
TASKS = "tasks"  # 2.9+: 'tasks' and 'caching'

SECTION_NAMES: FrozenSet[str] = frozenset({"tasks", "webhooks", "caching"})
#: Keys of the flat 2.6 layout.
FLAT_KEYS: FrozenSet[str] = frozenset(
    {"HOST", "PORT", "PASSWORD", "DATABASE", "CACHE_DATABASE", "DEFAULT_TIMEOUT", "SSL"}
)


def redis_layout(release: Release) -> str:
    if release < Release(2, 7, 0):
        return FLAT
    if release < Release(2, 7, 11):
        return WEBHOOKS
    if release < Release(2, 9, 0):
        return TASKS_OR_WEBHOOKS
    return TASKS


#: Defaults NetBox applies to a REDIS section (all releases with sections).
SECTION_DEFAULTS = {"HOST": "localhost", "PORT": 6379, "DATABASE": 0, "SENTINEL_SERVICE": "default"}
#: Defaults of the flat 2.6 layout.
FLAT_DEFAULTS = {"HOST": "localhost", "PORT": 6379, "DATABASE": 0, "CACHE_DATABASE": 1}


# -- settings NetBox uses as booleans ------------------------------------------------------------

#: Top-level settings NetBox treats as booleans (only those the target release reads apply).
BOOLEAN_SETTINGS: FrozenSet[str] = frozenset(
    {
        "ALLOW_TOKEN_RETRIEVAL",
        "CENSUS_REPORTING_ENABLED",
        "CHANGELOG_RETAIN_CREATE_LAST_UPDATE",
        "CHANGELOG_SKIP_EMPTY_CHANGES",
        "COPILOT_ENABLED",
        "CORS_ORIGIN_ALLOW_ALL",
        "CSRF_COOKIE_SECURE",
        "DEBUG",
        "DEVELOPER",
        "DJANGO_ADMIN_ENABLED",
        "ENABLE_LOCALIZATION",
        "ENFORCE_GLOBAL_UNIQUE",
        "GRAPHQL_ENABLED",
        "ISOLATED_DEPLOYMENT",
        "LOGIN_FORM_HIDDEN",
        "LOGIN_PERSISTENCE",
        "LOGIN_REQUIRED",
        "MAINTENANCE_MODE",
        "METRICS_ENABLED",
        "PREFER_IPV4",
        "REMOTE_AUTH_AUTO_CREATE_GROUPS",
        "REMOTE_AUTH_AUTO_CREATE_USER",
        "REMOTE_AUTH_ENABLED",
        "REMOTE_AUTH_GROUP_SYNC_ENABLED",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT",
        "SENTRY_ENABLED",
        "SENTRY_SEND_DEFAULT_PII",
        "SESSION_COOKIE_SECURE",
        "TRANSLATION_ENABLED",
        "WEBHOOKS_ENABLED",
    }
)
#: Boolean keys inside a REDIS section, and inside EMAIL.
REDIS_SECTION_BOOLEANS: FrozenSet[str] = frozenset({"SSL", "INSECURE_SKIP_TLS_VERIFY"})
EMAIL_BOOLEANS: FrozenSet[str] = frozenset({"USE_SSL", "USE_TLS"})

#: Length NetBox (3.5+) and Django's deployment check demand of SECRET_KEY.
SECRET_KEY_MIN_LENGTH = 50
