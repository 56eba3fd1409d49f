"""Template placeholders left in a secret or required setting (NBX007)."""

from __future__ import annotations

from typing import Iterator, List, Set, Tuple

from flake8_netbox import netbox
from flake8_netbox.netbox import SECRET_KEY_MIN_LENGTH, Release
from flake8_netbox.rules.base import (LDAP, NETBOX, Context, Example, Finding, Rule,
                                      is_placeholder_literal)
from flake8_netbox.rules.passwords import key_values, password_values, secret_places
from flake8_netbox.values import DictV, ListV, Lit, Value

#: Settings NetBox refuses to start without, besides ALWAYS_REQUIRED (either one of them).
_DATABASE_SETTINGS = ("DATABASE", "DATABASES")
#: ldap_config.py's required setting.
_LDAP_REQUIRED = ("AUTH_LDAP_SERVER_URI",)


class TemplatePlaceholder(Rule):
    code = "NBX007"
    name = "template-placeholder"
    summary = ("A secret or required setting holds a template placeholder ('{{ secret }}', "
               "'${DB_PASSWORD}', '__SECRET_KEY__', 'CHANGE_ME').")
    applies_to = frozenset({NETBOX, LDAP})
    why = (
        "Files rendered by a deploy step (Ansible, Salt, Helm, envsubst, sed) keep placeholders "
        "where the secrets and host names go. If the file reaches NetBox unrendered, NetBox "
        "runs with the placeholder's literal text: a SECRET_KEY everyone can read in the "
        "template, a database password of '${DB_PASSWORD}', a host that does not resolve. "
        "Checked: SECRET_KEY, API token peppers and every password (as NBX301 and NBX302 find "
        "them), and every string in ALLOWED_HOSTS, DATABASE(S), REDIS and "
        "AUTH_LDAP_SERVER_URI. Forms: `{{ ... }}`, `{% ... %}`, `${VAR}`, `<% ... %>` and "
        "`<words>` anywhere in the value; `__NAME__`, `@NAME@`, `%(name)s` and words such as "
        "CHANGE_ME or changeme as the whole value. A placeholder is reported here only, not as a "
        "hard-coded password (NBX301) or a short or weak key (NBX101, NBX102, NBX103). In a "
        "template, silence it for the file (`per-file-ignores = configuration.py.j2:NBX007`) "
        "and check the rendered file too."
    )
    valid = (
        "SECRET_KEY = os.environ['SECRET_KEY']\n"
        "DATABASES = {'default': {'NAME': 'netbox', 'PASSWORD': os.environ['DB_PASSWORD']}}\n",
        "DATABASES = {'default': {'NAME': 'netbox', 'PASSWORD': ''}}  # peer authentication\n",
    )
    invalid = (
        "SECRET_KEY = '{{ netbox_secret_key }}'  # NBX007\n",
        "SECRET_KEY = '__SECRET_KEY__'  # NBX007\n",
        "SECRET_KEY = 'abc{{SECRET_KEY}}def'  # NBX007\n",
        "DATABASES = {\n    'default': {\n        'NAME': 'netbox',\n"
        "        'PASSWORD': '${DB_PASSWORD}',  # NBX007\n    },\n}\n",
        "REDIS = {\n    'tasks': {'PASSWORD': 'CHANGE_ME', 'DATABASE': 0},  # NBX007\n"
        "    'caching': {'PASSWORD': '%(redis_password)s', 'DATABASE': 1},  # NBX007\n}\n",
        "ALLOWED_HOSTS = ['<netbox host name>']  # NBX007\n",
        "EMAIL = {'SERVER': 'smtp.example.com', 'PASSWORD': 'changeme'}  # NBX007\n",
        Example("AUTH_LDAP_SERVER_URI = 'ldaps://{{ ldap_host }}'  # NBX007\n"
                "AUTH_LDAP_BIND_PASSWORD = '<% @bind_password %>'  # NBX007\n",
                filename="ldap_config.py"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        seen: Set[int] = set()
        for path, value in self._places(ctx):
            for text in _strings(value):
                if id(text.node) in seen or not is_placeholder_literal(text):
                    continue
                seen.add(id(text.node))
                if _refused_key(ctx, path, text):
                    yield self.at_value(f"{path} holds a template placeholder: NetBox would "
                                        "refuse to start with this literal text (fewer than "
                                        f"{SECRET_KEY_MIN_LENGTH} characters) if the file is "
                                        "not rendered", text)
                else:
                    yield self.at_value(f"{path} holds a template placeholder: NetBox would "
                                        "run with this literal text if the file is not "
                                        "rendered", text)

    def _places(self, ctx: Context) -> List[Tuple[str, Value]]:
        places = key_values(ctx) + password_values(ctx) + secret_places(ctx)
        for name in (*netbox.ALWAYS_REQUIRED, *_DATABASE_SETTINGS, *_LDAP_REQUIRED):
            places += [(name, value) for value in ctx.facts.values(name)]
        return places


def _refused_key(ctx: Context, path: str, text: Value) -> bool:
    """A SECRET_KEY (3.5+) or API token pepper (4.5+) too short for NetBox to start with."""
    if path == "SECRET_KEY":
        first = Release(3, 5, 0)
    elif path.startswith("API_TOKEN_PEPPERS"):
        first = Release(4, 5, 0)
    else:
        return False
    assert isinstance(text, Lit)
    return ctx.release >= first and len(text.value) < SECRET_KEY_MIN_LENGTH


def _strings(value: Value) -> List[Value]:
    """Every value inside ``value`` (itself, dict entries and list items, at any depth)."""
    out: List[Value] = []
    pending = [value]
    seen: Set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, Lit):
            out.append(current)
        elif isinstance(current, DictV):
            for entry in current.entries.values():
                pending.extend(entry.values())
        elif isinstance(current, ListV):
            for alternatives in current.items:
                pending.extend(alternatives)
    return out
