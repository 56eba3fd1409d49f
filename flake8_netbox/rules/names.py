"""Top-level names NetBox does not read: typos (NBX501), names of other releases (NBX502) and
settings NetBox overrides (NBX503)."""

from __future__ import annotations

import re
from typing import Iterator, List, Optional, Tuple

import libcst as cst

from flake8_netbox import netbox
from flake8_netbox.netbox import Release
from flake8_netbox.rules.base import Context, Example, Finding, Rule, closest
from flake8_netbox.rules.required import refused_storage_backends

_SETTING = re.compile(r"[A-Z][A-Z0-9_]*")
SOCIAL_AUTH_FROM = Release(3, 1, 0)


def assigned_settings(ctx: Context) -> List[Tuple[str, int, cst.Name]]:
    """(name, statement, target) for each UPPER_CASE name the file assigns, first site only."""
    out = []
    for name, sites in ctx.facts.sites.items():
        if not _SETTING.fullmatch(name):
            continue
        for site in sites:
            if isinstance(site.node, cst.Name):
                out.append((name, site.stmt, site.node))
                break
    return sorted(out, key=lambda item: item[1])


class UnknownSetting(Rule):
    code = "NBX501"
    name = "unknown-setting"
    summary = "An UPPER_CASE name that no NetBox release reads (a typo, or a setting of another "\
        "tool)."
    why = (
        "NetBox copies the names it knows from configuration.py and silently ignores the rest, "
        "so `ALLOWED_HOST = [...]` or `LOGIN_REQUIERD = True` has no effect and nothing says "
        "so. Private names (`_HELPER`), SOCIAL_AUTH_* settings (passed to python-social-auth) "
        "and names the file itself reads as helpers are not reported. AUTH_LDAP_* settings "
        "belong in ldap_config.py: NetBox ignores them here."
    )
    valid = (
        "ALLOWED_HOSTS = ['netbox.example.com']\n",
        "BASE_DIR = '/opt/netbox'\nMEDIA_ROOT = BASE_DIR + '/media'\n",
        "DOMAIN = os.environ.get('DOMAIN', 'example.com')\n"
        "ALLOWED_HOSTS = [f'netbox.{DOMAIN}']\n",
        "SOCIAL_AUTH_OKTA_OAUTH2_KEY = os.environ['OKTA_KEY']\n",
    )
    invalid = (
        "ALLOWED_HOST = ['netbox.example.com']  # NBX501\n",
        "ALLOWED_HOST = os.environ['HOSTS'].split()  # NBX501\n"
        "ALLOWED_HOST = [host.strip() for host in ALLOWED_HOST]\n",
        "AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'  # NBX501\n",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        known = netbox.known_names()
        read = netbox.names_read(ctx.release)  # once: thousands of unknown names may follow
        for name, stmt, node in assigned_settings(ctx):
            if name in known or name in netbox.HARD_CODED or name.startswith("SOCIAL_AUTH_"):
                continue
            if ctx.is_helper(name):
                continue  # a helper the file reads itself
            if name.startswith("AUTH_LDAP_") or name.startswith("LDAP_"):
                yield self.at(f"{name} is ignored here: NetBox reads LDAP settings only from "
                              "ldap_config.py", stmt, node)
                continue
            suggestion = closest(name, read)
            hint = f"; did you mean {suggestion}?" if suggestion else ""
            yield self.at(f"{name} is not a NetBox setting: NetBox {ctx.release} ignores "
                          f"it{hint}", stmt, node)


class SettingOfAnotherRelease(Rule):
    code = "NBX502"
    name = "setting-of-another-release"
    summary = "A setting the target release no longer reads, has deprecated, or does not read "\
        "yet."
    why = (
        "Settings are renamed and removed between releases (JOBRESULT_RETENTION became "
        "JOB_RETENTION, the NAPALM_* settings moved to a plugin, STORAGE_BACKEND gave way to "
        "STORAGES), and NetBox ignores the old names without a word: the retention, the "
        "storage or the credentials silently fall back to defaults after an upgrade. A setting "
        "from a newer release than the one deployed is ignored just the same. A name the file "
        "reads itself (to build another setting, such as PLUGINS_CONFIG) is a helper and is not "
        "reported. "
        "\"Read\" means "
        "\"has an effect\": a release that still declares a name nothing uses (NAPALM_* in "
        "3.5.0-3.6.0) or reads it only to warn that it is gone (CACHE_TIMEOUT in 3.0-3.1) "
        "counts as not reading it."
    )
    valid = (
        "JOB_RETENTION = 90\n",
        "NAPALM_USERNAME = os.environ['NAPALM_USERNAME']\n"
        "PLUGINS_CONFIG = {'netbox_napalm_plugin': {'NAPALM_USERNAME': NAPALM_USERNAME}}\n",
        Example("JOBRESULT_RETENTION = 90\n", "3.4"),
    )
    invalid = (
        "JOBRESULT_RETENTION = 90  # NBX502\n",
        "NAPALM_USERNAME = 'netbox'  # NBX502\n",
        Example("API_TOKEN_PEPPERS = {1: os.environ['PEPPER']}  # NBX502\n", "4.4"),
        "STORAGE_BACKEND = 'storages.backends.s3.S3Storage'  # NBX502\n"
        "STORAGES = {'default': {'BACKEND': 'storages.backends.s3.S3Storage'}}\n",
        Example("NAPALM_USERNAME = 'netops'  # NBX502\n", "3.5"),
        Example("CACHE_TIMEOUT = 900  # NBX502\n", "3.0"),
        Example("REDIS = {\n    'webhooks': {'HOST': 'redis'},  # NBX502\n"
                "    'caching': {'HOST': 'redis'},\n}\n", "2.8"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        release = ctx.release
        yield from self._webhooks_section(ctx)
        # NetBox refuses these outright: NBX002 reports them, so not also "deprecated" here.
        refused = {value.stmt for value in refused_storage_backends(ctx)}
        for name, stmt, node in assigned_settings(ctx):
            message = None
            if name == "STORAGE_BACKEND" and stmt in refused:
                continue
            if name.startswith("SOCIAL_AUTH_"):
                if release < SOCIAL_AUTH_FROM:
                    message = f"{name}: NetBox passes SOCIAL_AUTH_* settings on from 3.1"
            elif name in netbox.known_names():
                message = self._message(name, release)
                if message and not netbox.reads(name, release) and ctx.is_helper(name):
                    message = None  # not read by NetBox, but by the file (to build another)
            if message:
                yield self.at(message, stmt, node)

    def _webhooks_section(self, ctx: Context) -> Iterator[Finding]:
        """REDIS['webhooks'] without 'tasks' on 2.7.11-2.8: NetBox reads it with a deprecation
        warning (settings.py: "renamed to 'tasks'"), and 2.9 stops reading it."""
        if netbox.redis_layout(ctx.release) != netbox.TASKS_OR_WEBHOOKS:
            return
        for redis in ctx.dicts("REDIS"):
            entry = redis.entries.get("webhooks")
            if entry is not None and "tasks" not in redis.entries:
                yield self.at("REDIS['webhooks'] is deprecated: it was renamed 'tasks' in "
                              "NetBox 2.7.11, and 2.9 stops reading it; rename the key",
                              entry.key_stmt, entry.key_node)

    def _message(self, name: str, release: Release) -> Optional[str]:
        first = netbox.first_read(name)
        if first is not None and release < first:
            return f"{name} is read from NetBox {first} on: NetBox {release} ignores it"
        if netbox.reads(name, release):
            deprecated = netbox.DEPRECATED.get(name)
            if deprecated and release >= deprecated[0]:
                return f"{name} is deprecated since NetBox {deprecated[0]}: {deprecated[1]}"
            return None
        stopped = netbox.stopped_before(name, release)
        since = f" since NetBox {stopped}" if stopped is not None else ""
        why = netbox.ignored_why(name, release)
        if why == "warns":
            still = f" (NetBox {release} only warns that it is gone)"
        elif why == "unused":
            still = f" (NetBox {release} still accepts it, but nothing uses it)"
        else:
            still = ""
        replacement = netbox.REPLACEMENTS.get(name)
        note = f"; {replacement}" if replacement else ""
        return f"{name} has no effect{since}{still}{note}"


class HardCodedSetting(Rule):
    code = "NBX503"
    name = "setting-netbox-overrides"
    summary = "A Django setting NetBox sets itself, so the file's value has no effect."
    why = (
        "NetBox fixes some Django settings in its own settings.py after reading the "
        "configuration (STATIC_ROOT, X_FRAME_OPTIONS, SECURE_PROXY_SSL_HEADER, "
        "USE_X_FORWARDED_HOST, LANGUAGE_CODE, SESSION_COOKIE_AGE). A value given for them "
        "here is ignored; some have a NetBox setting of their own. A name the file reads "
        "itself is a helper and is not reported."
    )
    valid = ("LOGIN_TIMEOUT = 3600\nDEFAULT_LANGUAGE = 'de'\n",
             "LANGUAGE_CODE = 'de'\nDEFAULT_LANGUAGE = LANGUAGE_CODE\n")
    invalid = ("SESSION_COOKIE_AGE = 3600  # NBX503\n", "LANGUAGE_CODE = 'de'  # NBX503\n")

    def check(self, ctx: Context) -> Iterator[Finding]:
        for name, stmt, node in assigned_settings(ctx):
            if name in netbox.HARD_CODED and not ctx.is_helper(name):
                yield self.at(f"{name} has no effect: NetBox sets it itself "
                              f"({netbox.HARD_CODED[name]})", stmt, node)
