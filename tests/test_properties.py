"""Property tests over generated NetBox configurations (hypothesis, bounded to stay fast).

The generator writes what real files contain: literal dicts of each REDIS layout, names bound
earlier, item assignment, update(), append(), +=, if/else, try/except, environment lookups
with and without defaults, helper functions and star imports, with random secrets, hosts and
database numbers. Each generated file carries its own oracle for NBX101 and NBX201.
"""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass, field
from typing import Any, List, Optional, Set, Tuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flake8_netbox.checker import check_source
from flake8_netbox.netbox import DEFAULT_RELEASE
from helpers import flake8_inprocess

SECRET_ALPHABET = string.ascii_letters + string.digits + "!#$%&*+-=@^_"
secrets_ = st.text(SECRET_ALPHABET, min_size=8, max_size=64)
#: The whole-value placeholder shapes the alphabet can spell (sed's `__NAME__`, autoconf's
#: `@NAME@`), as the README's NBX007 describes them.
PLACEHOLDER_SHAPES = re.compile(r"__[A-Za-z][A-Za-z0-9_]*__|@[A-Za-z][A-Za-z0-9_]*@")
hosts = st.sampled_from(["localhost", "redis", "10.0.0.5", "redis.example.com"])
env_names = st.sampled_from(["REDIS_DB", "REDIS_CACHE_DB", "DB"])

#: An atom a database number can be: ("lit", n) or ("env", var, default) (its default included).
Atom = Tuple


@dataclass
class Generated:
    lines: List[str] = field(default_factory=list)
    secrets: List[str] = field(default_factory=list)
    open_world: bool = False
    key_literal: Optional[str] = None
    redis_alternatives: List[Tuple[dict, dict]] = field(default_factory=list)

    @property
    def source(self) -> str:
        return "\n".join(self.lines) + "\n"


@st.composite
def db_value(draw):
    """(source text or None when omitted, possible atoms)."""
    kind = draw(st.sampled_from(["lit", "omit", "env", "env-int"]))
    if kind == "omit":
        return None, None
    if kind == "lit":
        n = draw(st.integers(0, 3))
        return str(n), {("lit", n)}
    var, default = draw(env_names), draw(st.integers(0, 3))
    text = f"os.environ.get({var!r}, {default})"
    if kind == "env-int":
        text = f"int({text})"
    return text, {("env", var, default, kind), ("lit", default)}


@st.composite
def section(draw, gen: Generated):
    """A REDIS section as source text and its (host, port, db) oracle."""
    entries, oracle = [], {}
    host = draw(st.one_of(st.none(), hosts))
    if host is not None:
        entries.append(f"'HOST': {host!r}")
    oracle["host"] = host
    port = draw(st.sampled_from([None, 6379, 6380]))
    if port is not None:
        entries.append(f"'PORT': {port}")
    oracle["port"] = port
    text, atoms = draw(db_value())
    if text is not None:
        entries.append(f"'DATABASE': {text}")
    oracle["db"] = atoms
    password = draw(st.sampled_from(["literal", "env", "fallback", "empty", "none"]))
    if password == "literal":
        secret = draw(secrets_)
        gen.secrets.append(secret)
        entries.append(f"'PASSWORD': {secret!r}")
    elif password == "fallback":
        secret = draw(secrets_)
        gen.secrets.append(secret)
        entries.append(f"'PASSWORD': os.environ.get('REDIS_PASSWORD', {secret!r})")
    elif password == "env":
        entries.append("'PASSWORD': os.environ['REDIS_PASSWORD']")
    elif password == "empty":
        entries.append("'PASSWORD': ''")
    return "{" + ", ".join(entries) + "}", oracle


@st.composite
def configurations(draw):
    gen = Generated()
    gen.lines.append("import os")
    if draw(st.booleans()):
        gen.lines.append("from .local_settings import *")
        gen.open_world = True
    if draw(st.booleans()):
        gen.lines += ["def _secret(name):", "    with open('/run/secrets/' + name) as f:",
                      "        return f.read().strip()"]
    gen.lines.append("ALLOWED_HOSTS = ['netbox.example.com']")
    if draw(st.booleans()):
        gen.lines.append("ALLOWED_HOSTS.append(os.environ.get('EXTRA_HOST', 'localhost'))")
    else:
        gen.lines.append("ALLOWED_HOSTS += ['[::1]']")
    password = draw(secrets_)
    gen.secrets.append(password)
    gen.lines.append("DATABASES = {'default': {'NAME': 'netbox', 'USER': 'netbox'}}")
    style = draw(st.sampled_from(["item", "update", "fallback"]))
    if style == "item":
        gen.lines.append(f"DATABASES['default']['PASSWORD'] = {password!r}")
    elif style == "update":
        gen.lines.append(f"DATABASES['default'].update({{'PASSWORD': {password!r}}})")
    else:
        gen.lines.append(f"DATABASES['default']['PASSWORD'] = os.environ.get('DB_PW', "
                         f"{password!r})")

    # REDIS: one layout, possibly chosen in an if/else or a try/except.
    shape = draw(st.sampled_from(["literal", "names", "items", "if", "try"]))
    tasks, tasks_oracle = draw(section(gen))
    cache, cache_oracle = draw(section(gen))
    if shape == "literal":
        gen.lines.append(f"REDIS = {{'tasks': {tasks}, 'caching': {cache}}}")
    elif shape == "names":
        gen.lines += [f"_TASKS = {tasks}", f"_CACHE = {cache}",
                      "REDIS = {'tasks': _TASKS, 'caching': _CACHE}"]
    elif shape == "items":
        gen.lines += ["REDIS = {}", f"REDIS['tasks'] = {tasks}", f"REDIS['caching'] = {cache}"]
    else:
        other_tasks, other_tasks_oracle = draw(section(gen))
        other_cache, other_cache_oracle = draw(section(gen))
        head = ["if os.environ.get('SITE') == 'b':"] if shape == "if" else ["try:"]
        middle = ["else:"] if shape == "if" else ["except KeyError:"]
        gen.lines += head + [f"    REDIS = {{'tasks': {tasks}, 'caching': {cache}}}"] + \
            middle + [f"    REDIS = {{'tasks': {other_tasks}, 'caching': {other_cache}}}"]
        gen.redis_alternatives.append((other_tasks_oracle, other_cache_oracle))
    gen.redis_alternatives.append((tasks_oracle, cache_oracle))

    key_kind = draw(st.sampled_from(["literal", "env", "fallback", "helper"]))
    if key_kind == "literal":
        # Not a template placeholder (`__A__`, `@A@`): that is NBX007's finding, not NBX101's.
        key = draw(st.text(SECRET_ALPHABET, min_size=0, max_size=70).filter(
            lambda text: not PLACEHOLDER_SHAPES.fullmatch(text.strip())))
        gen.key_literal = key
        if len(key) >= 8:
            gen.secrets.append(key)
        gen.lines.append(f"SECRET_KEY = {key!r}")
    elif key_kind == "fallback":
        key = draw(secrets_)
        gen.secrets.append(key)
        gen.lines.append(f"SECRET_KEY = os.environ.get('SECRET_KEY', {key!r})")
    elif key_kind == "helper":
        gen.lines.append("SECRET_KEY = _secret('secret_key')" if "def _secret(name):"
                         in gen.lines else "SECRET_KEY = os.environ['SECRET_KEY']")
    else:
        gen.lines.append("SECRET_KEY = os.environ['SECRET_KEY']")
    return gen


def _server(oracle: dict) -> Tuple:
    return (oracle["host"] or "localhost", oracle["port"] or 6379)


def _databases(oracle: dict) -> Set[Atom]:
    return {("lit", 0)} if oracle["db"] is None else oracle["db"]


def expect_nbx201(gen: Generated) -> bool:
    """Both sections on one server with a database number in common, NetBox's defaults
    applied (the star import comes first, so it cannot refill REDIS)."""
    return any(_server(tasks) == _server(cache) and _databases(tasks) & _databases(cache)
               for tasks, cache in gen.redis_alternatives)


#: Examples per property; the campaign in docs/reliability.md ran with NBX_PROPERTY_EXAMPLES=5000.
EXAMPLES = int(os.environ.get("NBX_PROPERTY_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(configurations())
def test_never_raises_and_oracles_hold(gen):
    results = check_source(gen.source, DEFAULT_RELEASE)  # raising fails the test
    codes = [message.split()[0] for _, _, message in results]
    assert "NBX000" not in codes
    assert ("NBX201" in codes) == expect_nbx201(gen), gen.source
    short_key = gen.key_literal is not None and len(gen.key_literal) < 50
    assert ("NBX101" in codes) == short_key, gen.source


@SETTINGS
@given(configurations())
def test_no_piece_of_a_generated_secret_is_printed(gen):
    messages = "\n".join(message for _, _, message in check_source(gen.source, DEFAULT_RELEASE))
    # The messages' own words, with every secret replaced by a placeholder of the same length:
    # a secret such as 'DEFAULT_' may coincide with them without being echoed.
    # Only values are blanked: a secret spelled like a key ('PASSWORD') stays a key.
    blank = gen.source
    for secret in sorted(gen.secrets, key=len, reverse=True):
        blank = re.sub(r"(?<!\[)" + re.escape(repr(secret)) + r"(?!\s*[:\]])",
                       repr("\u00a7" * len(secret)).replace("\\", "\\\\"), blank)
    vocabulary = "\n".join(m for _, _, m in check_source(blank, DEFAULT_RELEASE))
    for secret in gen.secrets:
        for start in range(len(secret) - 7):
            piece = secret[start:start + 8]
            assert piece in vocabulary or piece not in messages, (secret, messages)


ENCODINGS = {
    "lf": lambda text: text.encode("utf-8"),
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "bom": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "latin-1": lambda text: ("# -*- coding: latin-1 -*-\n# Konfiguration f\u00fcr M\u00fcnchen\n"
                             + text).encode("latin-1"),
}


@settings(max_examples=max(EXAMPLES // 8, 20), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(configurations())
def test_same_findings_whatever_the_encoding(tmp_path, gen):
    found = {}
    for name, encode in ENCODINGS.items():
        (tmp_path / "configuration.py").write_bytes(encode(gen.source))
        _, results, _ = flake8_inprocess(["--select=NBX", "configuration.py"], tmp_path)
        shift = 2 if name == "latin-1" else 0  # the cookie and the comment add two lines
        found[name] = sorted((r.row - shift, r.col, r.code, r.text) for r in results)
    assert found["lf"] == found["crlf"] == found["bom"] == found["latin-1"]


# -- Time and memory (issue 15): generators that would have found each costly kind -----------

#: Pieces of origin patterns, nested quantifiers included: run by Python's re only on short
#: texts here (the oracle), never by the checker.
_REGEX_ATOMS = ["a", "b", ".", r"\w", r"\d", r"\s", r"\W", "[a-c]", "[^a]", "[\\w-]", "^", "$",
                r"\b", r"\B", r"\A", r"\Z", "(?i:A)", "(?s:.)", "-", ":", "/", "\u00e9"]


def _regex(depth: int = 0) -> Any:
    atom = st.sampled_from(_REGEX_ATOMS)
    if depth > 3:
        return atom
    inner = st.deferred(lambda: _regex(depth + 1))
    return st.one_of(
        atom,
        st.tuples(inner, inner).map(lambda p: f"({p[0]}|{p[1]})"),
        st.tuples(inner, st.sampled_from(["*", "+", "?", "*?", "{1,3}", "{2}", "{0,2}?"])
                  ).map(lambda p: f"(?:{p[0]}){p[1]}"),
        st.tuples(inner, inner).map("".join))


@SETTINGS
@given(st.sampled_from(["", "(?m)", "(?a)", "(?i)", "(?s)"]), _regex(),
       st.text("ab-:/1A\n_ \u00e9\u00c9", max_size=8))
def test_regex_automaton_agrees_with_re(flags, pattern, text):
    """NBX403's matcher (never backtracking) says what re.match says, or 'unknown'."""
    import re

    from flake8_netbox.patterns import prefix_matches

    pattern = flags + pattern
    try:
        compiled = re.compile(pattern)
    except re.error:
        return
    got = prefix_matches(pattern, text)
    if got is not None:
        assert got == bool(compiled.match(text)), (pattern, text)


_SETTING_LIKE = st.text("ABCDEILNORSTU_", min_size=0, max_size=14)


@SETTINGS
@given(_SETTING_LIKE, st.lists(_SETTING_LIKE, max_size=30) | st.just(None),
       st.sampled_from([0.0, 0.6, 0.7, 0.8, 1.0]))
def test_suggestions_are_what_difflib_suggests(word, candidates, cutoff):
    """The prefiltered NBX501 suggestion is difflib.get_close_matches' own answer."""
    import difflib

    from flake8_netbox.netbox import names_read
    from flake8_netbox.suggest import closest_match

    pool = sorted(names_read(DEFAULT_RELEASE)) if candidates is None else candidates
    expected = difflib.get_close_matches(word, pool, n=1, cutoff=cutoff)
    assert closest_match(word, pool, cutoff) == (expected[0] if expected else None)


_CHAINS = {
    "or": lambda n: " or ".join(f"os.environ.get('H{i}')" for i in range(n)),
    "and": lambda n: " and ".join(["os.sep"] * n),
    "not": lambda n: "not " * n + "os.sep",
    "minus": lambda n: "-" * n + "1",
    "attribute": lambda n: "os" + ".path" * n,
    "subscript": lambda n: "os.sep" + "[0]" * n,
    "call": lambda n: "os.getcwd" + "()" * n,
    "conditional": lambda n: "1 if os.sep else " * n + "2",
    "list": lambda n: "[" * min(n, 190) + "]" * min(n, 190),
}


@settings(max_examples=max(EXAMPLES // 5, 20), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(configurations(), st.sampled_from(sorted(_CHAINS)), st.integers(1, 700))
def test_deep_expressions_give_the_same_answer_in_lint_and_fix(gen, chain, length):
    """Beyond MAX_DEPTH silence in lint and a plain note in --fix; below it, the file is
    checked and fixed; never an internal error (RecursionError) in either mode."""
    import ast

    from flake8_netbox.checker import MAX_DEPTH, nesting_depth, too_costly
    from flake8_netbox.fixer import fix_source

    source = gen.source + f"SITE_SLOGAN = {_CHAINS[chain](length)}\n"  # NBX501: unknown
    tree = ast.parse(source)
    lint = check_source(source, DEFAULT_RELEASE)
    fixed = fix_source(source, DEFAULT_RELEASE, kinds=("safe", "unsafe", "upgrade-databases"))
    assert not any("please report" in refusal.reason for refusal in fixed.refusals)
    assert "NBX000" not in [message.split()[0] for _, _, message in lint]
    if nesting_depth(tree) > MAX_DEPTH:
        assert too_costly(source, tree)
        assert lint == [] and fixed.changes == [] and fixed.remaining == []
        assert any("too deeply" in refusal.reason for refusal in fixed.refusals)
    elif not too_costly(source, tree):
        assert any("NBX501 SITE_SLOGAN" in message for _, _, message in lint), source
