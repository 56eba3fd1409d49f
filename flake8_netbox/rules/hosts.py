"""Host names and origins written in a form that never matches (NBX008).

Django compares ALLOWED_HOSTS with the request's host name alone (no scheme, no port, no path:
django/http/request.py validate_host()); CSRF_TRUSTED_ORIGINS with whole origins, scheme
included, and refuses entries without a scheme from Django 4.0 (NetBox 3.2) on (system check
4_0.E001); django-cors-headers wants CORS_ORIGIN_WHITELIST entries with a scheme and without a
path from 3.0 (NetBox 2.6 ships 3.0.2; checks corsheaders.E013/E014).
"""

from __future__ import annotations

import re
from typing import Iterator, List, Optional, Tuple
from urllib.parse import urlsplit

from flake8_netbox import netbox
from flake8_netbox.redaction import describe_text, text_like
from flake8_netbox.rules.base import Context, Example, Finding, Rule, list_items, where
from flake8_netbox.values import Lit, Value

_PORT = re.compile(r"^(?:[^:\[\]]+|\[[0-9a-fA-F:.]+\]):\d+$")


def _shown(text: str) -> str:
    """An entry for a message: host names are not secrets, but user:password@ would be."""
    return describe_text(text, "entry")


def _strings(ctx: Context, name: str) -> List[Lit]:
    """The string entries a list setting can hold (environment defaults included)."""
    return [v for v in list_items(ctx.facts.values(name))
            if isinstance(v, Lit) and isinstance(v.value, str)]


def host_problem(host: str) -> Optional[Tuple[str, str]]:
    """(what is wrong, the host name to write) for an ALLOWED_HOSTS entry, or None."""
    text = host.strip()
    if "://" in text:
        try:
            name = urlsplit(text).hostname or ""
        except ValueError:
            name = ""
        return "has a scheme", name
    if "/" in text:
        return "has a path", text.split("/")[0]
    if _PORT.match(text):
        return "has a port", text.rsplit(":", 1)[0]
    return None


def origin_problem(origin: str) -> Optional[str]:
    """What is wrong with a CSRF or CORS origin, or None."""
    text = origin.strip()
    if text == "*":
        return None
    if "://" not in text:
        return "has no scheme"
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.path and "*" not in text:
        return "has a path (an origin is scheme://host[:port] only)"
    return None


class UnmatchableHost(Rule):
    code = "NBX008"
    name = "host-or-origin-form"
    summary = ("An ALLOWED_HOSTS entry with a scheme, port or path, or a CSRF_TRUSTED_ORIGINS or "
               "CORS_ORIGIN_WHITELIST entry without a scheme: a form that never matches.")
    why = (
        "Django compares ALLOWED_HOSTS with the request's host name alone: "
        "'https://netbox.example.com' or 'netbox:8000' never matches, and every request gets "
        "400 Bad Request. CSRF_TRUSTED_ORIGINS entries are whole origins: from NetBox 3.2 "
        "(Django 4.0) an entry without a scheme ('netbox.example.com') makes Django's system "
        "check refuse the configuration, and an entry with a path never matches. "
        "django-cors-headers (every NetBox release from 2.6) reports CORS_ORIGIN_WHITELIST "
        "entries without a scheme or with a path as errors and never matches them."
    )
    valid = (
        "ALLOWED_HOSTS = ['netbox.example.com', '.example.org', '[::1]']\n"
        "CSRF_TRUSTED_ORIGINS = ['https://netbox.example.com', 'https://*.example.org']\n",
        "CORS_ORIGIN_WHITELIST = ['https://app.example.com:8443']\n",
    )
    invalid = (
        "ALLOWED_HOSTS = [\n    'https://netbox.example.com',  # NBX008\n"
        "    'netbox:8000',  # NBX008\n]\n",
        "CSRF_TRUSTED_ORIGINS = ['netbox.example.com']  # NBX008\n",
        "CORS_ORIGIN_WHITELIST = ['app.example.com']  # NBX008\n",
        Example("ALLOWED_HOSTS = ['dcim.example.org']\n"
                "CSRF_TRUSTED_ORIGINS = [\n    'https://dcim.example.org/',  # NBX008\n]\n",
                "3.4"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for value in _strings(ctx, "ALLOWED_HOSTS"):
            problem = host_problem(value.value)
            if problem:
                what, name = problem
                hint = f"; write {name!r}" if name and text_like(value.value) else ""
                yield self._at(f"ALLOWED_HOSTS entry {_shown(value.value)} {what}: Django "
                               f"compares host names only, so it never matches{hint}", value)
        settings = (("CSRF_TRUSTED_ORIGINS", _csrf_effect),
                    ("CORS_ORIGIN_WHITELIST", _cors_effect))
        for setting, meaning in settings:
            if not netbox.reads(setting, ctx.release):
                continue
            for value in _strings(ctx, setting):
                problem = origin_problem(value.value)
                if problem:
                    yield self._at(f"{setting} entry {_shown(value.value)} {problem}: "
                                   f"{meaning(problem)}", value)

    def _at(self, message: str, value: Value) -> Finding:
        return self.at(message, *where(value))


def _csrf_effect(problem: str) -> str:
    if problem.startswith("has no scheme"):
        return "Django (4.0 on) refuses it; write 'https://' before the host name"
    return "it never matches a request's origin"


def _cors_effect(problem: str) -> str:
    if problem.startswith("has no scheme"):
        return "django-cors-headers reports it as an error and never matches it; write " \
               "'https://' before the host name"
    return "django-cors-headers reports it as an error and never matches it"
