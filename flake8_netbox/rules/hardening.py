"""Settings that weaken a deployment (NBX401-NBX407)."""

from __future__ import annotations

from typing import Iterator

from flake8_netbox.netbox import Release, reads
from flake8_netbox.patterns import prefix_matches
from flake8_netbox.rules.base import (Context, Example, Finding, Rule, can_be, list_items,
                                      present_values, where)
from flake8_netbox.values import DictV, ListV, Lit
from flake8_netbox.redaction import describe_key

#: First release whose LOGIN_REQUIRED defaults to True (False up to 4.0.1: settings.py).
LOGIN_REQUIRED_BY_DEFAULT = Release(4, 0, 2)
#: First release with default password validators (AUTH_PASSWORD_VALIDATORS was [] before).
PASSWORD_VALIDATORS_BY_DEFAULT = Release(4, 1, 0)

#: Origins no regular expression meant for one's own sites matches: one that matches both
#: accepts any web site (the "null" origin of sandboxed pages is not required).
_PROBE_ORIGINS = ("https://attacker.invalid", "http://198.51.100.7:8080")


class DebugOn(Rule):
    code = "NBX401"
    name = "debug-enabled"
    summary = "DEBUG can be True."
    why = (
        "With DEBUG on, Django answers errors with a full traceback page that shows settings, "
        "local variables and SQL to whoever triggered the error, and keeps every query in "
        "memory. A default that switches it on (`os.environ.get('DEBUG', 'True') == 'True'`) "
        "counts: a missing variable then turns debugging on in production."
    )
    valid = ("DEBUG = False\n", "DEBUG = os.environ.get('DEBUG', 'False').lower() == 'true'\n")
    invalid = (
        "DEBUG = True  # NBX401\n",
        "DEBUG = os.environ.get('DEBUG', 'true').lower() == 'true'  # NBX401\n",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for value in can_be(ctx.facts.values("DEBUG"), True):
            yield self.at_value("DEBUG can be True: Django then shows tracebacks with settings "
                                "and local variables to visitors; set it to False", value)


class WildcardHost(Rule):
    code = "NBX402"
    name = "allowed-hosts-wildcard"
    summary = "ALLOWED_HOSTS can contain '*'."
    why = (
        "ALLOWED_HOSTS protects against Host-header attacks: with '*', NetBox builds absolute "
        "links (password-reset mails, API URLs, redirects) from whatever Host header a client "
        "sends. List the names NetBox is reached by. An environment default of '*' counts."
    )
    valid = ("ALLOWED_HOSTS = ['netbox.example.com', '.netbox.example.com']\n",)
    invalid = (
        "ALLOWED_HOSTS = ['*']  # NBX402\n",
        "ALLOWED_HOSTS = os.environ.get('ALLOWED_HOSTS', '*').split(' ')  # NBX402\n",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in list_items(ctx.facts.values("ALLOWED_HOSTS")):
            if isinstance(item, Lit) and item.value == "*":
                yield self.at("ALLOWED_HOSTS can contain '*': any Host header is accepted; list "
                              "NetBox's host names", *where(item))


class CorsAnyOrigin(Rule):
    code = "NBX403"
    name = "cors-any-origin"
    summary = ("CORS_ORIGIN_ALLOW_ALL can be True, or a CORS_ORIGIN_REGEX_WHITELIST entry "
               "matches any origin.")
    why = (
        "Cross-origin resource sharing decides which other web sites may call NetBox's API "
        "from a visitor's browser. Allowing every origin lets any page a logged-in user opens "
        "read NetBox data through their browser (with API tokens sent by scripts). List the "
        "origins that need access in CORS_ORIGIN_WHITELIST instead. A pattern is judged "
        "without running it (Python's backtracking matcher can take minutes on a nested "
        "quantifier): it is parsed with the standard library's own parser and followed in "
        "time linear in the origin's length; back references and look-arounds are not judged."
    )
    valid = ("CORS_ORIGIN_ALLOW_ALL = False\n"
             "CORS_ORIGIN_REGEX_WHITELIST = [r'^https://\\w+\\.example\\.com$']\n",
             "CORS_ORIGIN_REGEX_WHITELIST = [r'^(.*?)*(.*?)*(.*?)*\\.example\\.com$']\n")
    invalid = (
        "CORS_ORIGIN_ALLOW_ALL = True  # NBX403\n",
        "CORS_ORIGIN_REGEX_WHITELIST = [\n    r'^https://intranet\\.example\\.com$',\n"
        "    r'.*',  # NBX403\n]\n",
        "CORS_ORIGIN_REGEX_WHITELIST = [r'^https?://.*$']  # NBX403\n",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for value in can_be(ctx.facts.values("CORS_ORIGIN_ALLOW_ALL"), True):
            yield self.at_value("CORS_ORIGIN_ALLOW_ALL can be True: any web site may call the "
                                "API from a visitor's browser", value)
        for item in list_items(ctx.facts.values("CORS_ORIGIN_REGEX_WHITELIST")):
            if isinstance(item, Lit) and isinstance(item.value, str) and _matches_any(item.value):
                yield self.at("a CORS_ORIGIN_REGEX_WHITELIST entry matches any origin",
                              *where(item))


def _matches_any(pattern: str) -> bool:
    """Does django-cors-headers' ``re.match(pattern, origin)`` accept any web site? Decided
    on the parsed pattern, never by running it (see flake8_netbox.patterns); unknown is no."""
    return all(prefix_matches(pattern, origin) for origin in _PROBE_ORIGINS)


class AnonymousAccess(Rule):
    code = "NBX404"
    name = "anonymous-or-blanket-read-access"
    summary = ("EXEMPT_VIEW_PERMISSIONS contains '*', or LOGIN_REQUIRED is False (or left unset "
               "before NetBox 4.0.2, whose default is False).")
    why = (
        "EXEMPT_VIEW_PERMISSIONS = ['*'] makes every object type readable without a "
        "permission, and with LOGIN_REQUIRED False that includes visitors who are not logged "
        "in: the whole inventory (addresses, circuits, contacts, configuration contexts) is "
        "open to anyone who reaches NetBox. Exempt only the models that must be public. "
        "LOGIN_REQUIRED defaults to False up to NetBox 4.0.1 and to True from 4.0.2 "
        "(settings.py at each tag), so on those older releases leaving it unset is the same "
        "as False: reported at line 1 of a closed module that never sets it (not in a module "
        "that can receive names from elsewhere, nor in one part of a split configuration)."
    )
    valid = (
        "LOGIN_REQUIRED = True\nEXEMPT_VIEW_PERMISSIONS = ['dcim.site', 'dcim.region']\n",
        Example("ALLOWED_HOSTS = ['netbox.example.com']\n", "4.0.2"),
        Example("from .base import *\nALLOWED_HOSTS = ['netbox.example.com']\n", "3.7"),
    )
    invalid = (
        "EXEMPT_VIEW_PERMISSIONS = ['*']  # NBX404\n",
        "LOGIN_REQUIRED = False  # NBX404\n",
        Example("ALLOWED_HOSTS = ['netbox.example.com']  # NBX404\n", "3.7"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in list_items(ctx.facts.values("EXEMPT_VIEW_PERMISSIONS")):
            if isinstance(item, Lit) and item.value == "*":
                yield self.at("EXEMPT_VIEW_PERMISSIONS contains '*': every object type is "
                              "readable without a permission", *where(item))
        if not reads("LOGIN_REQUIRED", ctx.release):
            return
        if not ctx.is_bound("LOGIN_REQUIRED"):
            if ctx.release < LOGIN_REQUIRED_BY_DEFAULT and ctx.whole and not ctx.open_world:
                yield self.at_module(f"LOGIN_REQUIRED is not set, and NetBox {ctx.release} "
                                     "then lets visitors who are not logged in read NetBox "
                                     "(it defaults to True only from 4.0.2); set "
                                     "LOGIN_REQUIRED = True")
            return
        for value in can_be(ctx.facts.values("LOGIN_REQUIRED"), False):
            yield self.at_value("LOGIN_REQUIRED can be False: visitors who are not logged "
                                "in can read NetBox", value)


class RedisTlsUnverified(Rule):
    code = "NBX405"
    name = "redis-tls-unverified"
    summary = "A REDIS section sets INSECURE_SKIP_TLS_VERIFY True."
    why = (
        "With certificate checks off, TLS to Redis no longer proves who is at the other end: "
        "anyone who can intercept the connection reads and alters queued jobs and cached data, "
        "and sees the Redis password. Give NetBox the CA instead (CA_CERT_PATH)."
    )
    valid = ("REDIS = {'tasks': {'SSL': True, 'CA_CERT_PATH': '/etc/ssl/redis-ca.pem'}}\n",)
    invalid = ("REDIS = {\n"
               "    'tasks': {'SSL': True, 'INSECURE_SKIP_TLS_VERIFY': True},  # NBX405\n}\n",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for redis in ctx.dicts("REDIS"):
            for section in redis.entries:
                for sub in present_values(redis, section):
                    if not isinstance(sub, DictV):
                        continue
                    for value in can_be(present_values(sub, "INSECURE_SKIP_TLS_VERIFY"), True):
                        yield self.at_value(f"REDIS[{describe_key(section)}]"
                                            "['INSECURE_SKIP_TLS_VERIFY'] is True: TLS to "
                                            "Redis without certificate checks",
                                            value)


class NoPasswordValidators(Rule):
    code = "NBX406"
    name = "no-password-validators"
    summary = ("AUTH_PASSWORD_VALIDATORS = [] switches off the validators NetBox 4.1+ applies "
               "by default.")
    why = (
        "From NetBox 4.1, local passwords must by default have at least 12 characters and at "
        "least one digit, one uppercase and one lowercase letter (settings.py's default "
        "AUTH_PASSWORD_VALIDATORS: Django's MinimumLengthValidator with min_length 12 and "
        "NetBox's AlphanumericPasswordValidator). An empty AUTH_PASSWORD_VALIDATORS removes "
        "both, so 'a' becomes a valid password for a superuser. NetBox's own example file "
        "sets it to [] since 4.1. Before 4.1 NetBox's default is [] itself, so the setting "
        "changes nothing there and is not reported."
    )
    valid = (
        "AUTH_PASSWORD_VALIDATORS = [\n    {'NAME': 'django.contrib.auth.password_validation."
        "MinimumLengthValidator', 'OPTIONS': {'min_length': 14}},\n]\n",
        Example("AUTH_PASSWORD_VALIDATORS = []\n", "4.0"),
    )
    invalid = ("AUTH_PASSWORD_VALIDATORS = []  # NBX406\n",
               Example("AUTH_PASSWORD_VALIDATORS = []  # NBX406\n", "4.1.0"))

    def check(self, ctx: Context) -> Iterator[Finding]:
        if not reads("AUTH_PASSWORD_VALIDATORS", ctx.release) or \
                ctx.release < PASSWORD_VALIDATORS_BY_DEFAULT:
            return
        for value in ctx.facts.values("AUTH_PASSWORD_VALIDATORS"):
            if isinstance(value, ListV) and not value.items and not value.open and \
                    value.fallback_of is None:
                yield self.at_value(
                    f"AUTH_PASSWORD_VALIDATORS is empty: it switches off NetBox {ctx.release}'s "
                    "default validators (a minimum length of 12; at least one digit, one "
                    "uppercase and one lowercase letter), so local passwords of any length are "
                    "accepted", value)


class InsecureCookies(Rule):
    code = "NBX407"
    name = "cookies-not-secure"
    summary = "SESSION_COOKIE_SECURE or CSRF_COOKIE_SECURE is not True."
    opt_in = True
    why = (
        "Without the Secure flag, browsers also send the session and CSRF cookies over plain "
        "HTTP, where anyone on the path can copy the session. Both default to False. Only right "
        "when NetBox is served over HTTPS, hence off by default. 'Not set' is judged once per "
        "configuration: never on a part of a split one (extra.py, plugins.py), and with "
        "`flake8-netbox --config-dir` counting what any file of the folder sets."
    )
    valid = ("SESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True\nALLOWED_HOSTS = ['x']\n",)
    invalid = ("ALLOWED_HOSTS = ['x']  # NBX407\nSESSION_COOKIE_SECURE = True\n",
               "SESSION_COOKIE_SECURE = False  # NBX407\nCSRF_COOKIE_SECURE = True\n")

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.release < Release(3, 4, 9):
            return
        for name in _COOKIES:
            for value in can_be(ctx.facts.values(name), False):
                yield self.at_value(f"{name} can be False: the cookie is also sent over plain "
                                    "HTTP", value)

    def check_absent(self, ctx: Context) -> Iterator[Finding]:
        if ctx.release < Release(3, 4, 9):
            return
        for name in _COOKIES:
            if ctx.lacks(name):
                yield self.at_module(f"{name} is not set (Django's default is False): the "
                                     "cookie is also sent over plain HTTP")


_COOKIES = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")
