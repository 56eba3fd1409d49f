"""Secrets written into the file (NBX301) or used as an environment lookup's default (NBX302)."""

from __future__ import annotations

from typing import Iterator, List, Tuple

from flake8_netbox.rules.base import (LDAP, NETBOX, Context, Example, Finding, Rule,
                                      is_literal_str, present_values)
from flake8_netbox.values import DictV, Lit, Value
from flake8_netbox.weak_keys import is_published

FROM_ENV = "read it from the environment or a secret file, e.g. os.environ['{var}']"


def password_values(ctx: Context) -> List[Tuple[str, Value]]:
    """(setting path, value) for every place NetBox takes a password from."""
    found: List[Tuple[str, Value]] = []

    def passwords_in(container: DictV, path: str) -> None:
        found.extend((f"{path}['PASSWORD']", v) for v in present_values(container, "PASSWORD"))

    for database in ctx.dicts("DATABASE"):
        passwords_in(database, "DATABASE")
    for databases in ctx.dicts("DATABASES"):
        for alias in databases.entries:
            for database in _dicts(present_values(databases, alias)):
                passwords_in(database, f"DATABASES[{alias!r}]")
    for redis in ctx.dicts("REDIS"):
        passwords_in(redis, "REDIS")
        for section in redis.entries:
            for sub in _dicts(present_values(redis, section)):
                passwords_in(sub, f"REDIS[{section!r}]")
    for email in ctx.dicts("EMAIL"):
        passwords_in(email, "EMAIL")
    for name in sorted(ctx.facts.names):
        if name.isupper() and (name.endswith("_PASSWORD") or name.endswith("_SECRET")):
            found.extend((name, slot.value) for slot in ctx.slots(name))
    return found


def key_values(ctx: Context) -> List[Tuple[str, Value]]:
    """(setting path, value) for SECRET_KEY and every API token pepper."""
    found = [("SECRET_KEY", slot.value) for slot in ctx.slots("SECRET_KEY")]
    for peppers in ctx.dicts("API_TOKEN_PEPPERS"):
        for key in peppers.entries:
            found += [(f"API_TOKEN_PEPPERS[{key!r}]", v) for v in present_values(peppers, key)]
    return found


def _dicts(values: List[Value]) -> List[DictV]:
    return [v for v in values if isinstance(v, DictV)]


def env_name(path: str) -> str:
    """The environment variable suggested for a setting path (DATABASE['PASSWORD'] ->
    NETBOX_DATABASE_PASSWORD); ``flake8-netbox --fix --unsafe-fixes`` uses the same name."""
    cleaned = "".join(c if c.isalnum() else "_" for c in path.upper())
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
        "_PASSWORD or _SECRET (SOCIAL_AUTH_..._SECRET). The empty string means 'no password' "
        "(peer or trust authentication) and is never reported."
    )
    valid = (
        "DATABASE = {'NAME': 'netbox', 'PASSWORD': os.environ['DB_PASSWORD']}\n",
        "DATABASE = {'NAME': 'netbox', 'PASSWORD': ''}  # peer authentication\n",
    )
    invalid = (
        "DATABASE = {\n    'NAME': 'netbox',\n    'PASSWORD': 'J5brHrAXFLQSif0K',  # NBX301\n}\n",
        "REDIS = {\n    'tasks': {'PASSWORD': 'hunter2hunter2'},  # NBX301\n"
        "    'caching': {'PASSWORD': ''},\n}\n",
        "SOCIAL_AUTH_GITHUB_SECRET = 'aa11bb22cc33dd44'  # NBX301\n",
        Example("AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
                "AUTH_LDAP_BIND_PASSWORD = 'Directory-Pa55'  # NBX301\n",
                filename="ldap_config.py"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        seen = set()
        for path, value in password_values(ctx):
            if is_literal_str(value) and value.value and id(value.node) not in seen:
                seen.add(id(value.node))
                assert isinstance(value, Lit)
                yield self.at_value(
                    f"{path} is a password written into the file{_published(value.value)}; "
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
                          f"${value.fallback_of} is unset{_published(value.value)}; drop the "
                          f"default (os.environ['{value.fallback_of}']) so that a missing "
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
            if is_literal_str(value) and value.value:
                yield self.at_value(f"{path} is written in the file: read it from the "
                                    "environment or a secret file", value)
