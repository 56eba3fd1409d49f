"""Secrets written into the file (NBX301) or used as an environment lookup's default (NBX302)."""

from __future__ import annotations

import re
import unicodedata
from typing import Iterator, List, Optional, Tuple
from urllib.parse import urlsplit

from flake8_netbox.rules.base import (LDAP, NETBOX, Context, Example, Finding, Rule,
                                      is_literal_str, is_placeholder_literal, present_values)
from flake8_netbox.rules.slips import missing_f_prefix, walk
from flake8_netbox.values import DictV, Lit, Value
from flake8_netbox.weak_keys import is_published
from flake8_netbox.redaction import describe_key, quoted_variable, shown_variable

FROM_ENV = "read it from the environment or a secret file, e.g. os.environ['{var}']"


def password_values(ctx: Context) -> List[Tuple[str, Value]]:
    """(setting path, value) for every place NetBox takes a password from."""
    found: List[Tuple[str, Value]] = []

    def passwords_in(container: DictV, path: str) -> None:
        found.extend((f"{path}['PASSWORD']", v) for v in present_values(container, "PASSWORD"))

    for database in ctx.dicts("DATABASE"):
        passwords_in(database, "DATABASE")
    for databases in ctx.dicts("DATABASES"):
        for index, alias in enumerate(databases.entries):
            for database in _dicts(present_values(databases, alias)):
                passwords_in(database, f"DATABASES[{describe_key(alias, index)}]")
    for redis in ctx.dicts("REDIS"):
        passwords_in(redis, "REDIS")
        for index, section in enumerate(redis.entries):
            for sub in _dicts(present_values(redis, section)):
                passwords_in(sub, f"REDIS[{describe_key(section, index)}]")
    for email in ctx.dicts("EMAIL"):
        passwords_in(email, "EMAIL")
    for name in sorted(ctx.facts.names):
        if name.isupper() and (name.endswith("_PASSWORD") or name.endswith("_SECRET")):
            found.extend((name, slot.value) for slot in ctx.slots(name))
    # A '{name}' string meant as an f-string is NBX506's, not a password written in the file.
    return [(path, value) for path, value in found if not missing_f_prefix(ctx, value)]


#: Keys that hold secrets inside STORAGE_CONFIG, STORAGES' OPTIONS and the REMOTE_AUTH_* and
#: SOCIAL_AUTH_* dicts (AWS_SECRET_ACCESS_KEY, secret_key, account_key, sas_token, *_PASSWORD,
#: *_TOKEN, *_PRIVATE_KEY, connection_string). Identifiers that are not secret (AWS_ACCESS_KEY_ID,
#: access_key, a SOCIAL_AUTH_..._KEY client id) do not match.
_SECRET_KEY = re.compile(r"(secret|password|passwd|token$|private_key|account_key$|"
                         r"connection_string$|credentials?$)", re.IGNORECASE)
#: Module-level names whose every value is a secret, besides *_PASSWORD and *_SECRET.
_SECRET_NAME = re.compile(r"^(SOCIAL_AUTH|REMOTE_AUTH)_[A-Z0-9_]*(PRIVATE_KEY|_TOKEN)$")


def secret_places(ctx: Context) -> List[Tuple[str, Value]]:
    """(setting path, value) for secrets NBX301 reports besides password_values(): URLs with
    a password (redis://:pw@host, postgresql://user:pw@host/db) anywhere in a setting, and
    secret-like keys of STORAGE_CONFIG, STORAGES, REMOTE_AUTH_* and SOCIAL_AUTH_* dicts."""
    from flake8_netbox.rules.slips import setting_names

    found: List[Tuple[str, Value]] = []
    secret_dicts = [n for n in ctx.facts.names if n in ("STORAGE_CONFIG", "STORAGES")
                    or n.startswith("REMOTE_AUTH_") or n.startswith("SOCIAL_AUTH_")]
    for path, value, _ in walk(ctx, setting_names(ctx)):
        if isinstance(value, Lit) and isinstance(value.value, str) and url_password(value.value):
            found.append((path, value))
    for name in sorted(secret_dicts):
        for path, value, _ in walk(ctx, [name]):
            key = _last_key(path)
            if key is not None and _SECRET_KEY.search(key):
                found.append((path, value))
        if _SECRET_NAME.match(name):
            found.extend((name, slot.value) for slot in ctx.slots(name))
    # libpq's and redis-py's own options: DATABASE OPTIONS {'password': ...}, REDIS KWARGS.
    for path, value, _ in walk(ctx, [n for n in ("DATABASE", "DATABASES", "REDIS")
                                     if n in ctx.facts.names]):
        key = _last_key(path)
        if key is not None and ("['OPTIONS']" in path or "['KWARGS']" in path) and \
                _SECRET_KEY.search(key):
            found.append((path, value))
    return [(path, value) for path, value in found if not missing_f_prefix(ctx, value)]


def _last_key(path: str) -> Optional[str]:
    match = re.search(r"\[(['\"])(.*?)\1\]$", path)
    return match.group(2) if match else None


def url_password(text: str) -> bool:
    """Does ``text`` look like a URL with a password in it (scheme://[user]:password@host)?"""
    if "@" not in text or "://" not in text or len(text) > 2000:
        return False
    for part in text.split():
        try:
            parts = urlsplit(part)
            password = parts.password
        except ValueError:
            continue
        if parts.scheme and password and not password.startswith("{"):
            return True
    return False


def key_values(ctx: Context) -> List[Tuple[str, Value]]:
    """(setting path, value) for SECRET_KEY and every API token pepper."""
    found = [("SECRET_KEY", slot.value) for slot in ctx.slots("SECRET_KEY")]
    for peppers in ctx.dicts("API_TOKEN_PEPPERS"):
        for index, key in enumerate(peppers.entries):
            found += [(f"API_TOKEN_PEPPERS[{describe_key(key, index)}]", v)
                      for v in present_values(peppers, key)]
    return found


def _dicts(values: List[Value]) -> List[DictV]:
    return [v for v in values if isinstance(v, DictV)]


def env_name(path: str) -> str:
    """The environment variable suggested for a setting path (DATABASE['PASSWORD'] ->
    NETBOX_DATABASE_PASSWORD); ``flake8-netbox --fix --unsafe-fixes`` uses the same name."""
    # ASCII letters, digits and underscores only (accents dropped: 'réports' -> REPORTS): a
    # name any shell, systemd unit and the file's own encoding can hold.
    # A key messages do not quote (it may be a secret) is named by its position instead.
    path = re.sub(r"<\d+-character key(?:, entry (\d+))?>",
                  lambda match: f"ENTRY{match.group(1) or ''}", path)
    ascii_path = unicodedata.normalize("NFKD", path).encode("ascii", "ignore").decode("ascii")
    cleaned = "".join(c if c.isalnum() else "_" for c in ascii_path.upper())
    return "_".join(["NETBOX", *(part for part in cleaned.split("_") if part)])


def _published(value: str) -> str:
    return " (and it is a value published in public NetBox material)" if is_published(value) \
        else ""


class HardcodedPassword(Rule):
    code = "NBX301"
    name = "hardcoded-password"
    applies_to = frozenset({NETBOX, LDAP})
    summary = "A password is written into the configuration as a string literal."
    why = (
        "A configuration file is copied, backed up and committed to git; a password in it "
        "travels with every copy and stays in the repository's history after it is changed. "
        "Checked places: PASSWORD in DATABASE, in every DATABASES alias, in every REDIS "
        "section (and the flat 2.6 REDIS dict), in EMAIL, and module-level names ending in "
        "_PASSWORD or _SECRET (SOCIAL_AUTH_..._SECRET); URLs with a password anywhere in a "
        "setting (a REDIS section's URL 'redis://:pw@host:6379/0', 'rediss://user:pw@...', "
        "'postgresql://user:pw@host/db', DATABASE OPTIONS); secret-like keys (*SECRET*, "
        "*PASSWORD*, *_TOKEN, *_PRIVATE_KEY, account_key) in STORAGE_CONFIG, STORAGES, the "
        "REMOTE_AUTH_* and SOCIAL_AUTH_* dicts, a database's OPTIONS and a REDIS section's "
        "KWARGS. The message names the setting, never the value. "
        "The empty string means 'no password' (peer or trust authentication) and is never "
        "reported; a '{name}' string missing its f prefix is NBX506's."
    )
    valid = (
        "DATABASE = {'NAME': 'netbox', 'PASSWORD': os.environ['DB_PASSWORD']}\n",
        "DATABASE = {'NAME': 'netbox', 'PASSWORD': ''}  # peer authentication\n",
        "REDIS = {'tasks': {'URL': 'redis://redis.example.com:6379/0'}}\n",
        "DATABASE = {'NAME': 'netbox', 'OPTIONS': {'sslmode': 'require', "
        "'passfile': '/etc/netbox/.pgpass'}}\n",
        "STORAGE_CONFIG = {'AWS_ACCESS_KEY_ID': 'AKIAEXAMPLEKEYID0000',\n"
        "                  'AWS_SECRET_ACCESS_KEY': os.environ['AWS_SECRET_ACCESS_KEY']}\n",
    )
    invalid = (
        "DATABASE = {\n    'NAME': 'netbox',\n    'PASSWORD': 'J5brHrAXFLQSif0K',  # NBX301\n}\n",
        "REDIS = {\n    'tasks': {'PASSWORD': 'hunter2hunter2'},  # NBX301\n"
        "    'caching': {'PASSWORD': ''},\n}\n",
        "SOCIAL_AUTH_GITHUB_SECRET = 'aa11bb22cc33dd44'  # NBX301\n",
        "REDIS = {\n    'tasks': {'URL': 'rediss://netbox:s3cr3t-Pw@redis.example.com:6380/0'},"
        "  # NBX301\n    'caching': {'URL': os.environ['REDIS_CACHE_URL']},\n}\n",
        "DATABASE = {\n    'NAME': 'netbox',\n"
        "    'OPTIONS': {'password': 'pg-Secret-2024'},  # NBX301\n}\n",
        "STORAGES = {'default': {\n    'BACKEND': 'storages.backends.s3.S3Storage',\n"
        "    'OPTIONS': {\n        'access_key': 'AKIAEXAMPLEKEYID0000',\n"
        "        'secret_key': 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',  # NBX301\n"
        "    },\n}}\n",
        Example("AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
                "AUTH_LDAP_BIND_PASSWORD = 'Directory-Pa55'  # NBX301\n",
                filename="ldap_config.py"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        seen = set()
        for path, value in password_values(ctx):
            if is_literal_str(value) and value.value and id(value.node) not in seen and \
                    not is_placeholder_literal(value):  # NBX007's
                seen.add(id(value.node))
                assert isinstance(value, Lit)
                yield self.at_value(
                    f"{path} is a password written into the file{_published(value.value)}; "
                    + FROM_ENV.format(var=env_name(path)), value)
        for path, value in secret_places(ctx):
            if is_literal_str(value) and value.value and id(value.node) not in seen and \
                    not is_placeholder_literal(value):  # NBX007's
                seen.add(id(value.node))
                assert isinstance(value, Lit)
                what = "holds a URL with a password" if url_password(value.value) else \
                    "is a secret"
                yield self.at_value(f"{path} {what} written into the file; "
                                    + FROM_ENV.format(var=env_name(path)), value)


class SecretFallback(Rule):
    code = "NBX302"
    name = "secret-environment-fallback"
    applies_to = frozenset({NETBOX, LDAP})
    summary = ("An environment lookup for a password, SECRET_KEY or API token pepper falls back "
               "to a literal.")
    why = (
        "`os.environ.get('DB_PASSWORD', 'netbox')` looks safe, but when the variable is "
        "missing (a renamed secret, a new host, a typo in the unit file) NetBox starts anyway, "
        "with a secret that is written in the file and known to everyone who has read it. "
        "Without a default, a missing variable stops NetBox at start-up, which is the safe "
        "failure. An empty default is not reported: NetBox then refuses the empty key, or the "
        "database refuses the login."
    )
    valid = (
        "DATABASE = {'PASSWORD': os.environ['DB_PASSWORD']}\n",
        "SECRET_KEY = os.environ.get('SECRET_KEY', '')\n",
    )
    invalid = (
        "DATABASE = {'PASSWORD': os.environ.get('DB_PASSWORD', 'netbox')}  # NBX302\n",
        "SECRET_KEY = os.getenv(\n    'SECRET_KEY',\n    'dev-key',  # NBX302\n)\n",
        "API_TOKEN_PEPPERS = {1: os.environ.get('PEPPER') or 'pepper-for-tests'}  # NBX302\n",
        Example("AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
                "AUTH_LDAP_BIND_PASSWORD = os.getenv('LDAP_PW', 'changeme')  # NBX302\n",
                filename="ldap_config.py"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        places = password_values(ctx) + key_values(ctx)
        seen = set()
        for path, value in places:
            if not (isinstance(value, Lit) and isinstance(value.value, str) and value.value
                    and value.fallback_of is not None):
                continue
            if id(value.fallback_node) in seen:
                continue
            seen.add(id(value.fallback_node))
            yield self.at(f"{path} falls back to a secret written in the file when "
                          f"{shown_variable(value.fallback_of)} is unset"
                          f"{_published(value.value)}; drop the default "
                          f"(os.environ[{quoted_variable(value.fallback_of)}]) so that a missing "
                          "variable stops NetBox instead", value.stmt, value.fallback_node)


class SecretLiteral(Rule):
    code = "NBX303"
    name = "secret-key-in-file"
    summary = "SECRET_KEY or an API token pepper is written in the file."
    opt_in = True
    why = (
        "For teams that commit their configuration: a key or pepper in the file is in every "
        "clone, backup and CI log of the repository, and stays in its history after it is "
        "rotated. Anyone holding SECRET_KEY can forge sessions and password-reset links. Read "
        "both from the environment or a secret file. Off by default, because a configuration "
        "kept only on the server may hold its key."
    )
    valid = ("SECRET_KEY = os.environ['SECRET_KEY']\n",)
    invalid = (
        "SECRET_KEY = 'dN3$kq8(Vx-2mT=Rb7!Lp4+Hc9&Zw6*Jy1^Fs5)Ga0%Eu_Oi@Qn'  # NBX303\n",
        "API_TOKEN_PEPPERS = {\n"
        "    1: 'pK8#vQ2$mX7(nB4!cW9+zR3&hT6*jL1^dF5)gS0%yU_aE@oI-M',  # NBX303\n}\n",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for path, value in key_values(ctx):
            if is_literal_str(value) and value.value and not is_placeholder_literal(value):
                yield self.at_value(f"{path} is written in the file: read it from the "
                                    "environment or a secret file", value)
