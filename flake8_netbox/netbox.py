"""What NetBox itself requires, per release: the facts the rules compare a configuration with."""

from __future__ import annotations

from typing import Dict, FrozenSet, NamedTuple, Optional, Tuple

from flake8_netbox.parameters import DEFAULTS, IGNORED, PARAMETERS, RELEASES
from flake8_netbox.releases import DEFAULT_RELEASE, LATEST_PATCH, Release, parse_release

__all__ = ["DEFAULT_RELEASE", "Release", "parse_release"]


def _release_of(text: str) -> Release:
    """Release from the generated table's ``X.Y.Z`` notation."""
    major, minor, patch = text.split("-")[0].split(".")
    return Release(int(major), int(minor), int(patch))


Span = Tuple[Release, Optional[Release]]
#: Every release the table was generated from, oldest first (2.6.0 to 4.7.3).
KNOWN_RELEASES: Tuple[Release, ...] = tuple(_release_of(text) for text in RELEASES)
#: name -> the runs of releases in which it has an effect: ((first, last or None), ...).
READ_BY: Dict[str, Tuple[Span, ...]] = {
    name: tuple((_release_of(first), _release_of(last) if last else None)
                for first, last in spans)
    for name, _kind, spans in PARAMETERS
}
#: name -> "static" (settings.py) or "dynamic" (also editable in NetBox's UI).
KIND: Dict[str, str] = {name: kind for name, kind, _spans in PARAMETERS}


def is_after(release: Release, last: Optional[Release]) -> bool:
    """Is ``release`` later than ``last``? ``X.Y`` (the newest X.Y patch) is not later than
    any X.Y.Z: a setting last read in 3.4.10 is read by "3.4"."""
    if last is None or release <= last:
        return False
    return not (release.patch == LATEST_PATCH and release[:2] == last[:2])


def _within(release: Release, span: Span) -> bool:
    first, last = span
    return first <= release and not is_after(release, last)


def reads(name: str, release: Release) -> bool:
    """Does ``release`` take the top-level setting ``name`` from configuration.py with an
    effect (tools/gen_release_table.py)?"""
    if name.startswith("SOCIAL_AUTH_"):
        return release >= Release(3, 1, 0)
    return any(_within(release, span) for span in READ_BY.get(name, ()))


def first_read(name: str) -> Optional[Release]:
    """The first release in which ``name`` has an effect (None: no release reads it)."""
    spans = READ_BY.get(name)
    return spans[0][0] if spans else None


def stopped_before(name: str, release: Release) -> Optional[Release]:
    """The release from which ``name`` has had no effect, when it had one before ``release``
    and ``release`` does not read it: the release after the last one that read it."""
    if reads(name, release):
        return None
    ended = [last for _first, last in READ_BY.get(name, ()) if last is not None and
             last < release]
    if not ended:
        return None
    last = max(ended)
    later = [known for known in KNOWN_RELEASES if known > last]
    return later[0] if later else None


def ignored_why(name: str, release: Release) -> Optional[str]:
    """Why ``release`` still names ``name`` without effect: "warns" (settings.py only warns
    that it is gone) or "unused" (declared, nothing uses it); None when it does not name it."""
    for row_name, first, last, why in IGNORED:
        if row_name == name and _within(release, (_release_of(first), _release_of(last))):
            return why
    return None


def default_of(name: str, release: Release) -> Optional[Tuple[str, str]]:
    """NetBox's default for ``name`` in ``release`` as (type, Python source): type is bool, int,
    str, list, dict, tuple, None, or '' when computed (from the release's settings.py or
    config/parameters.py). None when ``release`` does not read it or has no default."""
    if not reads(name, release):
        return None
    found = None
    for row_name, first, kind, source in DEFAULTS:
        if row_name == name and _release_of(first) <= release:
            found = (kind, source)
    return found


class SettingInfo(NamedTuple):
    """What a release does with a top-level setting: for hover text and explanations."""

    name: str
    read: bool  # ``release`` takes it with an effect
    kind: Optional[str]  # "static" or "dynamic" (editable in NetBox's UI too)
    type: Optional[str]  # the type of NetBox's default (bool, int, str, list, dict, ...)
    default: Optional[str]  # NetBox's default, as Python source
    first: Optional[Release]  # first release reading it
    last: Optional[Release]  # last release reading it (None: the newest still does)
    replacement: Optional[str]  # what replaces it, when NetBox stopped reading it
    deprecated: Optional[str]  # why it is deprecated, when ``release`` deprecates it


def setting_info(name: str, release: Release) -> Optional[SettingInfo]:
    """Facts about ``name`` for ``release``; None for a name no known release reads."""
    spans = READ_BY.get(name)
    if not spans:
        return None
    default = default_of(name, release)
    deprecated = DEPRECATED.get(name)
    return SettingInfo(
        name, reads(name, release), KIND.get(name), default[0] if default else None,
        default[1] if default else None, spans[0][0], spans[-1][1], REPLACEMENTS.get(name),
        deprecated[1] if deprecated and release >= deprecated[0] else None)


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


def generate_advice(release: Release) -> str:
    """What to tell a user whose SECRET_KEY or pepper must be replaced, in the words of
    ``release``: NetBox 4.7.0 ships the ``netbox secret-key`` command with its PyPI package
    (netbox/netbox/cli.py); every release since 2.6 has netbox/generate_secret_key.py in its
    source tree."""
    if release >= Release(4, 7, 0):
        how = ("`netbox secret-key` (or `python3 netbox/generate_secret_key.py` in a git "
               "checkout)")
    else:
        how = "`python3 netbox/generate_secret_key.py`"
    return f"generate one with {how} and read it from the environment or a secret file"


# -- names that changed between releases (NBX502) and names NetBox overrides (NBX503) ------------

#: What replaces a setting NetBox stopped reading (or deprecated), for NBX502's message.
REPLACEMENTS: Dict[str, str] = {
    "JOBRESULT_RETENTION": "it was renamed JOB_RETENTION in 3.5",
    "JINJA2_FILTERS": "it was renamed JINJA_FILTERS in 4.7",
    "STORAGE_BACKEND": "it is deprecated since 4.3: configure STORAGES instead",
    "STORAGE_CONFIG": "it is deprecated since 4.3: configure STORAGES instead",
    "NAPALM_USERNAME": "NAPALM moved to the netbox-napalm plugin in 3.5: configure it in "
                       "PLUGINS_CONFIG['netbox_napalm_plugin']",
    "NAPALM_PASSWORD": "NAPALM moved to the netbox-napalm plugin in 3.5: configure it in "
                       "PLUGINS_CONFIG['netbox_napalm_plugin']",
    "NAPALM_TIMEOUT": "NAPALM moved to the netbox-napalm plugin in 3.5: configure it in "
                      "PLUGINS_CONFIG['netbox_napalm_plugin']",
    "NAPALM_ARGS": "NAPALM moved to the netbox-napalm plugin in 3.5: configure it in "
                   "PLUGINS_CONFIG['netbox_napalm_plugin']",
    "DATE_FORMAT": "dates and times follow each user's language since 4.0",
    "SHORT_DATE_FORMAT": "dates and times follow each user's language since 4.0",
    "TIME_FORMAT": "dates and times follow each user's language since 4.0",
    "SHORT_TIME_FORMAT": "dates and times follow each user's language since 4.0",
    "DATETIME_FORMAT": "dates and times follow each user's language since 4.0",
    "SHORT_DATETIME_FORMAT": "dates and times follow each user's language since 4.0",
    "SENTRY_DSN": "Sentry is configured through SENTRY_CONFIG (read since 4.4.2)",
    "SENTRY_SAMPLE_RATE": "Sentry is configured through SENTRY_CONFIG (read since 4.4.2)",
    "SENTRY_SEND_DEFAULT_PII": "Sentry is configured through SENTRY_CONFIG (read since 4.4.2)",
    "SENTRY_TRACES_SAMPLE_RATE": "Sentry is configured through SENTRY_CONFIG (read since 4.4.2)",
}
#: Settings renamed without any other change: old name -> (new name, first release reading it).
RENAMED: Dict[str, Tuple[str, Release]] = {
    "JOBRESULT_RETENTION": ("JOB_RETENTION", Release(3, 5, 0)),
    "JINJA2_FILTERS": ("JINJA_FILTERS", Release(4, 7, 0)),
}
#: Settings NetBox still reads but has deprecated: name -> (release deprecating it, note).
DEPRECATED: Dict[str, Tuple[Release, str]] = {
    "STORAGE_BACKEND": (Release(4, 3, 0), "configure STORAGES instead"),
    "STORAGE_CONFIG": (Release(4, 3, 0), "configure STORAGES instead"),
    "LOGIN_REQUIRED": (Release(4, 6, 0), "it is to be removed in NetBox 5.0"),
    "JINJA2_FILTERS": (Release(4, 7, 0), "it was renamed JINJA_FILTERS"),
}
#: Django settings NetBox sets itself, whatever the configuration says: name -> what to use.
HARD_CODED: Dict[str, str] = {
    "STATIC_ROOT": "NetBox serves static files from its own netbox/static folder",
    "X_FRAME_OPTIONS": "NetBox sets it to SAMEORIGIN",
    "SECURE_PROXY_SSL_HEADER": "NetBox sets it to trust X-Forwarded-Proto",
    "USE_X_FORWARDED_HOST": "NetBox sets it to True",
    "LANGUAGE_CODE": "use DEFAULT_LANGUAGE",
    "SESSION_COOKIE_AGE": "use LOGIN_TIMEOUT",
}


def known_names() -> FrozenSet[str]:
    """Every top-level name any known release reads, or names without effect (NetBox's own
    example files set SHORT_TIME_FORMAT, which no release ever used)."""
    return _KNOWN_NAMES


_KNOWN_NAMES = frozenset(READ_BY) | frozenset(row[0] for row in IGNORED)


def names_read(release: Release) -> FrozenSet[str]:
    return frozenset(name for name in READ_BY if reads(name, release))


# -- keys inside dicts (NBX504) ------------------------------------------------------------------

#: Keys Django accepts in a database dict (settings.DATABASES[alias]).
DATABASE_KEYS: FrozenSet[str] = frozenset({
    "ATOMIC_REQUESTS", "AUTOCOMMIT", "CONN_HEALTH_CHECKS", "CONN_MAX_AGE",
    "DISABLE_SERVER_SIDE_CURSORS", "ENGINE", "HOST", "NAME", "OPTIONS", "PASSWORD", "PORT",
    "TEST", "TIME_ZONE", "USER",
})
#: Keys of a REDIS section: key -> (first release reading it, last release or None).
SECTION_KEYS: Dict[str, Tuple[Release, Optional[Release]]] = {
    "HOST": (Release(2, 7, 0), None),
    "PORT": (Release(2, 7, 0), None),
    "PASSWORD": (Release(2, 7, 0), None),
    "DATABASE": (Release(2, 7, 0), None),
    "SSL": (Release(2, 7, 0), None),
    "DEFAULT_TIMEOUT": (Release(2, 7, 0), Release(2, 9, 999)),
    "SENTINELS": (Release(2, 7, 5), None),
    "SENTINEL_SERVICE": (Release(2, 7, 5), None),
    "SENTINEL_TIMEOUT": (Release(2, 9, 4), None),  # the task section only
    "INSECURE_SKIP_TLS_VERIFY": (Release(2, 10, 9), None),
    "USERNAME": (Release(3, 4, 2), None),
    "CA_CERT_PATH": (Release(3, 4, 3), None),
    "URL": (Release(4, 0, 3), None),
    "KWARGS": (Release(4, 5, 3), None),
}
TASK_ONLY_KEYS: FrozenSet[str] = frozenset({"SENTINEL_TIMEOUT"})


def version_text(release: Release) -> str:
    """NetBox's ``VERSION`` (netbox/settings.py) for ``release``: ``X.Y`` is the newest known
    ``X.Y.Z`` (``X.Y.0`` for a series the table does not list)."""
    if release.patch != LATEST_PATCH:
        return f"{release.major}.{release.minor}.{release.patch}"
    series = [known for known in KNOWN_RELEASES if known[:2] == release[:2]]
    newest = max(series) if series else Release(release.major, release.minor, 0)
    return f"{newest.major}.{newest.minor}.{newest.patch}"


# -- keys an editor explains (language server hover and completion) ----------------------------

def section_key_info(key: str, release: Release) -> Optional[SettingInfo]:
    """A key of a REDIS section (``REDIS['tasks'][key]``) for ``release``, with NetBox's
    default (netbox/settings.py of each release); None for an unknown key."""
    span = SECTION_KEYS.get(key)
    if span is None:
        return None
    first, last = span
    read = first <= release and not is_after(release, last)
    default = SECTION_DEFAULTS.get(key)
    type_ = "bool" if key in REDIS_SECTION_BOOLEANS else \
        "int" if key in ("PORT", "DATABASE") else None
    note = "read in the task section only" if key in TASK_ONLY_KEYS else None
    return SettingInfo(key, read, None, type_, None if default is None else repr(default),
                       first, last, note, None)


def database_key_info(key: str, release: Release) -> Optional[SettingInfo]:
    """A key Django accepts in a database dict (``DATABASES['default'][key]``)."""
    if key not in DATABASE_KEYS:
        return None
    return SettingInfo(key, True, None, None, None, None, None, None, None)
