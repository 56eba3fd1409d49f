"""Values NetBox checks at start-up and refuses (NBX004's start-up cases), and the missing
API_TOKEN_PEPPERS warning (NBX104).

Every check here restates one test in NetBox's ``netbox/netbox/settings.py`` (and
``settings_utils.py``) of the release named with it; the oracle tests (tests/oracle/) run the
real NetBox 4.7.3 on the same inputs and compare.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Iterator, List, Optional, Tuple
from urllib.parse import urlsplit

from flake8_netbox.netbox import Release
from flake8_netbox.redaction import quoted_variable, shown_variable
from flake8_netbox.rules.base import WARNING, Context, Example, Finding, Rule
from flake8_netbox.values import ENV_STR, DictV, Env, ListV, Lit, Value

#: The words every start-up finding's message carries: NetBox would not come up. The oracle
#: (tests/oracle/) and the README's list of start-up findings rely on them.
REFUSES = "refuses to start"
#: Codes whose findings can be start-up verdicts (those whose message says REFUSES).
STARTUP_CODES = ("NBX001", "NBX002", "NBX003", "NBX004", "NBX005", "NBX101", "NBX103")

#: Release each value check first appears in NetBox's settings.py (first tag holding it).
BASE_UNITS_FROM = Release(4, 2, 6)  # DISK_BASE_UNIT / RAM_BASE_UNIT in (1000, 1024)
CHUNK_SIZE_FROM = Release(4, 7, 0)  # BULK_UPDATE_CHUNK_SIZE: a positive int or None
TIMEOUTS_FROM = Release(4, 7, 0)  # WEBHOOK_DEFAULT_TIMEOUT 1-3600, < RQ_DEFAULT_TIMEOUT
RELEASE_URL_FROM = Release(3, 0, 0)  # RELEASE_CHECK_URL passes Django's URLValidator
SECRET_TYPE_FROM = Release(3, 5, 0)  # SECRET_KEY must be a str (and 50+ characters)

#: RQ's default job timeout (rq.Queue.DEFAULT_TIMEOUT), used when RQ_DEFAULT_TIMEOUT is 0 or
#: None; NetBox's own default RQ_DEFAULT_TIMEOUT is 300 (settings.py, 4.7.3).
RQ_QUEUE_DEFAULT_TIMEOUT = 180
NETBOX_RQ_DEFAULT_TIMEOUT = 300
#: rq.utils.parse_timeout's units.
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _literal(value: Value) -> Optional[Lit]:
    """A literal written in the file (not an environment default: those fail closed)."""
    return value if isinstance(value, Lit) and value.fallback_of is None else None


def job_timeout(value: object) -> Tuple[bool, Optional[int]]:
    """(parses, seconds) for RQ_DEFAULT_TIMEOUT as NetBox 4.7.3's parse_job_timeout
    (settings_utils.py) reads it through rq's parse_timeout: anything int() accepts, else
    digits followed by a unit d, h, m or s; 0 and None mean rq's queue default (180 s), a
    negative value no bound (seconds None)."""
    seconds: Optional[int]
    if value is None:
        seconds = None
    elif isinstance(value, int):
        seconds = int(value)
    elif isinstance(value, (str, bytes, float)):
        try:
            seconds = int(value)
        except (ValueError, OverflowError):
            if not isinstance(value, str):
                return False, None
            digits, unit = value[:-1], value[-1:].lower()
            try:
                seconds = int(digits) * _SECONDS[unit]
            except (ValueError, KeyError):
                return False, None
    else:
        return False, None
    if seconds is None or seconds == 0:
        return True, RQ_QUEUE_DEFAULT_TIMEOUT
    return True, None if seconds < 0 else seconds


_LABEL = re.compile(r"^(?!-)[a-z0-9\u00a1-\uffff-]{1,63}(?<!-)$", re.IGNORECASE)
_TLD = re.compile(r"^(?:[a-z\u00a1-\uffff]{2,63}|xn--[a-z0-9]{1,59})$", re.IGNORECASE)


def is_url(text: str) -> bool:
    """Does Django's URLValidator (schemes http, https, ftp, ftps) accept ``text``? Restated
    from its documented rules: a scheme, a host name with a top-level domain, ``localhost``,
    an IPv4 address or a bracketed IPv6 address, an optional port, no whitespace."""
    if not text or len(text) > 2048 or any(c.isspace() for c in text):
        return False
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https", "ftp", "ftps") or not parts.netloc:
        return False
    if port is not None and port > 65535:
        return False
    host = parts.netloc.rpartition("@")[2]
    host = host[1:].partition("]")[0] if host.startswith("[") else host.partition(":")[0]
    if parts.netloc.rpartition("@")[2].startswith("["):
        try:
            ipaddress.IPv6Address(host)
            return True
        except ValueError:
            return False
    if host.lower() == "localhost":
        return True
    if re.fullmatch(r"[0-9.]+", host):
        try:
            ipaddress.IPv4Address(host)
            return True
        except ValueError:
            return False
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    return len(labels) >= 2 and all(_LABEL.match(label) for label in labels[:-1]) \
        and bool(_TLD.match(labels[-1]))


def refused_values(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """NBX004's start-up cases beyond types: values NetBox's settings.py tests and refuses."""
    release = ctx.release
    if release >= BASE_UNITS_FROM:
        for name in ("DISK_BASE_UNIT", "RAM_BASE_UNIT"):
            for value in ctx.facts.values(name):
                if isinstance(value, Env) and value.kind == ENV_STR and value.fallback_of is None:
                    yield rule.at_value(f"{name} is a string from "
                                        f"{shown_variable(value.var)}: NetBox "
                                        f"{release} refuses to start unless it is the number "
                                        f"1000 or 1024; convert it, e.g. int(os.environ"
                                        f"[{quoted_variable(value.var)}])", value)
                lit = _literal(value)
                if lit is not None and (isinstance(lit.value, bool) or lit.value not in
                                        (1000, 1024)) or isinstance(value, (DictV, ListV)):
                    yield rule.at_value(f"{name} is not 1000 or 1024: NetBox {release} refuses "
                                        "to start", value)
    if release >= CHUNK_SIZE_FROM:
        for value in ctx.facts.values("BULK_UPDATE_CHUNK_SIZE"):
            lit = _literal(value)
            bad = lit is not None and lit.value is not None and (
                type(lit.value) is not int or lit.value < 1)
            if bad or isinstance(value, (DictV, ListV)) or (
                    isinstance(value, Env) and value.kind == ENV_STR and value.fallback_of is None):
                yield rule.at_value(f"BULK_UPDATE_CHUNK_SIZE is not a positive int or None: "
                                    f"NetBox {release} refuses to start", value)
    if release >= TIMEOUTS_FROM:
        yield from _timeouts(rule, ctx)
    if release >= RELEASE_URL_FROM:
        for value in ctx.facts.values("RELEASE_CHECK_URL"):
            lit = _literal(value)
            if lit is not None and isinstance(lit.value, str) and lit.value and \
                    not is_url(lit.value):
                yield rule.at_value("RELEASE_CHECK_URL is not a URL Django accepts (http, "
                                    f"https, ftp or ftps with a host name): NetBox {release} "
                                    "refuses to start", value)


def _timeouts(rule: Rule, ctx: Context) -> Iterator[Finding]:
    release = ctx.release
    rq_values = ctx.facts.values("RQ_DEFAULT_TIMEOUT")
    caps: List[Optional[int]] = []
    known = True
    for value in rq_values:
        lit = _literal(value)
        if lit is None:
            known = False
            if isinstance(value, (DictV, ListV)):
                yield rule.at_value("RQ_DEFAULT_TIMEOUT is not a number of seconds or a "
                                    f"duration such as '1h': NetBox {release} refuses to start",
                                    value)
            continue
        parses, seconds = job_timeout(lit.value)
        if not parses:
            yield rule.at_value("RQ_DEFAULT_TIMEOUT is not a number of seconds or a duration "
                                f"such as '1h': NetBox {release} refuses to start", value)
            known = False
        else:
            caps.append(seconds)
    if not rq_values and not ctx.open_world:
        caps.append(NETBOX_RQ_DEFAULT_TIMEOUT)
    for value in ctx.facts.values("WEBHOOK_DEFAULT_TIMEOUT"):
        lit = _literal(value)
        if lit is None:
            if isinstance(value, (DictV, ListV)) or (
                    isinstance(value, Env) and value.kind == ENV_STR and value.fallback_of is None):
                yield rule.at_value("WEBHOOK_DEFAULT_TIMEOUT is not an integer from 1 to 3600: "
                                    f"NetBox {release} refuses to start", value)
            continue
        timeout = lit.value
        if not isinstance(timeout, int) or not 1 <= timeout <= 3600:
            yield rule.at_value("WEBHOOK_DEFAULT_TIMEOUT is not an integer from 1 to 3600: "
                                f"NetBox {release} refuses to start", value)
        elif known and caps and all(cap is not None and timeout >= cap for cap in caps):
            yield rule.at_value(f"WEBHOOK_DEFAULT_TIMEOUT is not less than RQ_DEFAULT_TIMEOUT "
                                f"({min(c for c in caps if c is not None)} seconds): NetBox "
                                f"{release} refuses to start", value)


def is_empty(value: Value) -> bool:
    """A value NetBox reads as false (``if API_TOKEN_PEPPERS:``): None, '', 0, {} or []."""
    if isinstance(value, Lit):
        return not value.value
    if isinstance(value, DictV):
        return not value.entries and not value.open
    if isinstance(value, ListV):
        return not value.items and not value.open
    return False


class MissingPeppers(Rule):
    code = "NBX104"
    name = "api-token-peppers-missing"
    summary = "API_TOKEN_PEPPERS is not set or empty (NetBox 4.5+): v2 API tokens are unavailable."
    #: NetBox starts (and warns): not an error like the other NBX1xx codes.
    level = WARNING
    why = (
        "From NetBox 4.5, v2 API tokens are hashed with a pepper from API_TOKEN_PEPPERS. "
        "Without one NetBox starts, but warns on every start that v2 API tokens cannot be "
        "used, and creating or using one fails (settings.py: `if API_TOKEN_PEPPERS: ... else: "
        "warnings.warn(...)`). Reported at line 1 of a closed module that never sets it, or on "
        "an empty value; never in a module that can receive names from elsewhere, nor in one "
        "part of a split configuration."
    )
    valid = (
        Example("API_TOKEN_PEPPERS = {1: os.environ['TOKEN_PEPPER_1']}\n", "4.5"),
        Example("ALLOWED_HOSTS = ['netbox.example.com']\n", "4.4"),
        Example("from .base import *\nALLOWED_HOSTS = ['netbox.example.com']\n", "4.5"),
    )
    invalid = (
        Example("ALLOWED_HOSTS = ['netbox.example.com']  # NBX104\n", "4.5"),
        Example("API_TOKEN_PEPPERS = {}  # NBX104\n", "4.7"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.release < Release(4, 5, 0):
            return
        message = ("API_TOKEN_PEPPERS is {}: v2 API tokens are unavailable until it is set "
                   f"(NetBox {ctx.release} warns on every start)")
        if not ctx.is_bound("API_TOKEN_PEPPERS"):
            if ctx.whole and not ctx.open_world:
                yield self.at_module(message.format("not set"))
            return
        values = ctx.facts.values("API_TOKEN_PEPPERS")
        for value in values:
            if is_empty(value) and value.fallback_of is None:
                yield self.at_value(message.format("empty"), value)
