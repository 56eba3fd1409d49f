"""Property tests of --fix over generated configurations: whatever the layout, comments and
mix of fixable and untouchable lines, a fixed file parses, keeps every comment, keeps every
line no fix is about byte for byte and in order, lints clean for the codes fixed, does not
change when fixed again, and --diff shows what --fix writes.

The generator labels the lines it writes that no fix may touch; that label is the oracle.
"""

from __future__ import annotations

import ast
import os
import string
from typing import List, Tuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flake8_netbox.checker import check_source
from flake8_netbox.fixer import fix_source
from flake8_netbox.fixes.base import SAFE, UNSAFE, UPGRADE_DATABASES
from flake8_netbox.releases import parse_release
from test_fixes import agree, apply_diff, cli, comments

EXAMPLES = int(os.environ.get("NBX_PROPERTY_EXAMPLES", "150"))
PASSWORD = st.text(string.ascii_letters + string.digits + "-_!", min_size=6, max_size=20)
comment = st.sampled_from(["", "  # set by ops", "  # see ticket 42", "  # NetBox 2.6"])
quote = st.sampled_from(["'", '"'])


class Writer:
    """Lines of a configuration, each marked as fixable or not."""

    def __init__(self) -> None:
        self.lines: List[Tuple[str, bool]] = []

    def keep(self, line: str) -> None:
        self.lines.append((line, True))

    def fixable(self, line: str) -> None:
        self.lines.append((line, False))

    @property
    def text(self) -> str:
        return "".join(line + "\n" for line, _ in self.lines)

    @property
    def untouchable(self) -> List[str]:
        return [line for line, kept in self.lines if kept]


#: Where a tokenizer allows a comment in a ``'KEY': value,`` entry (each on lines of the entry's
#: own): after the comma, after the colon, inside parentheses around the value or the key,
#: between the pieces of a concatenated string, on lines of their own above it.
SHAPES = ["plain", "after-colon", "value-parentheses", "key-parentheses", "concatenated",
          "own-line"]


@st.composite
def entries(draw, q: str, keys: List[Tuple[str, str]]) -> List[str]:
    """``'KEY': value,`` lines with random comments in every position a tokenizer allows."""
    out = []
    for key, value in keys:
        low = key.lower()
        shape = draw(st.sampled_from(SHAPES))
        if shape == "own-line" or (draw(st.booleans()) and draw(st.booleans())):
            out.append(f"# about {low}")
        if shape == "after-colon":
            out += [f"{q}{key}{q}:  # {low} follows", f"    {value},{draw(comment)}"]
        elif shape == "value-parentheses":
            out += [f"{q}{key}{q}: (  # opening {low}", f"    {value}  # inside {low}",
                    f"),{draw(comment)}"]
        elif shape == "key-parentheses":
            out += [f"({q}{key}{q}  # key {low}", f"): {value},{draw(comment)}"]
        elif shape == "concatenated" and value.startswith(q) and len(value) > 3:
            half = len(value) // 2
            out += [f"{q}{key}{q}: ({value[:half]}{q}  # first half of {low}",
                    f"    {q}{value[half:]}),{draw(comment)}"]
        else:
            out.append(f"{q}{key}{q}: {value},{draw(comment)}")
    return out


@st.composite
def configurations(draw) -> Writer:
    w = Writer()
    q = draw(quote)
    w.keep("# NetBox configuration, kept in git")
    if draw(st.booleans()):
        w.keep("import os")
    w.keep(f"ALLOWED_HOSTS = [{q}netbox.example.com{q}]{draw(comment)}")
    password = f"{q}{draw(PASSWORD)}{q}" if draw(st.booleans()) else f"{q}{q}"
    database = draw(entries(q, [("NAME", f"{q}netbox{q}"), ("PASSWORD", password),
                                ("HOST", f"{q}db{q}")]))
    w.fixable("DATABASE = {")
    for line in database:
        w.fixable("    " + line)
    w.fixable("}")
    w.keep("")
    layout = draw(st.sampled_from(["flat", "webhooks", "tasks"]))
    host = f"{q}redis{q}"
    if layout == "flat":
        keys = [("HOST", host), ("PORT", "6379")]
        if draw(st.booleans()):
            keys.append(("DATABASE", str(draw(st.integers(0, 3)))))
        if draw(st.booleans()):
            keys.append(("CACHE_DATABASE", str(draw(st.integers(0, 3)))))
        if draw(st.booleans()):
            keys.append(("DEFAULT_TIMEOUT", str(draw(st.integers(60, 900)))))
        keys.append(("SSL", "False"))
        lines = draw(entries(q, draw(st.permutations(keys))))
        wrapped = draw(st.booleans())  # parentheses around the dict, comments in them
        if wrapped:
            w.fixable("REDIS = (  # the flat layout")
        w.fixable(("" if wrapped else "REDIS = ") + "{" + draw(comment))
        for line in lines:
            w.fixable("    " + line)
        if draw(st.booleans()):
            w.fixable("    # before the closing brace")
        w.fixable("}" + ("  # after the dict\n)" if wrapped else ""))
    else:
        w.fixable("REDIS = {")
        for name in (layout, "caching"):
            keys = [("HOST", host)]
            if draw(st.booleans()):
                keys.append(("DATABASE", str(draw(st.integers(0, 2)))))
            if draw(st.booleans()):
                keys.append(("DEFAULT_TIMEOUT", str(draw(st.integers(60, 900)))))
            if draw(st.integers(0, 3)) == 0:  # the section name in parentheses
                w.fixable(f"    ({q}{name}{q}  # section {name}")
                w.fixable(f"    ): {{{draw(comment)}")
            else:
                w.fixable(f"    {q}{name}{q}: {{{draw(comment)}")
            for line in draw(entries(q, keys)):
                w.fixable("        " + line)
            w.fixable("    },")
        w.fixable("}")
    w.keep("")
    key = draw(st.sampled_from(["short", "strong", "env"]))
    if key == "short" and draw(st.booleans()):  # in pieces, a comment between them
        w.fixable(f"SECRET_KEY = (  # {draw(st.sampled_from(['old', 'rotated']))}")
        w.fixable(f"    {q}{draw(PASSWORD)}{q}  # first part")
        w.fixable(f"    {q}{draw(PASSWORD)}{q}{draw(comment)}")
        w.fixable(")")
    elif key == "short":
        w.fixable(f"SECRET_KEY = {q}{draw(PASSWORD)}{q}{draw(comment)}")
    elif key == "strong":
        w.keep("SECRET_KEY = '_1zmXgJm(o8MgY%$xs-(9l_IM=SAzTDyAlCYWUyW^vlJBILyE$'")
    else:
        w.keep("import os")
        w.keep("SECRET_KEY = os.environ['SECRET_KEY']")
    if draw(st.booleans()):
        w.fixable(f"JOBRESULT_RETENTION = {draw(st.integers(1, 365))}{draw(comment)}")
    w.keep(f"LOGIN_TIMEOUT = 1209600{draw(comment)}")
    if draw(st.booleans()):
        w.keep("if 1 > 2:")
        w.keep(f"    BANNER_TOP = {q}maintenance{q}  # shown on every page")
    w.keep(f"TIME_ZONE = {q}UTC{q}")
    return w


def in_order(wanted: List[str], lines: List[str]) -> bool:
    """Are ``wanted`` lines found, unchanged, in this order among ``lines``?"""
    position = 0
    for line in wanted:
        try:
            position = lines.index(line, position) + 1
        except ValueError:
            return False
    return True


RELEASES = st.sampled_from(["2.10", "3.5", "4.2", "4.6", "4.7"])
KINDS = st.sampled_from([(SAFE,), (SAFE, UNSAFE), (SAFE, UPGRADE_DATABASES),
                         (SAFE, UNSAFE, UPGRADE_DATABASES)])


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configurations(), RELEASES, KINDS)
def test_fixed_files_keep_what_they_must(writer, version, kinds):
    source = writer.text
    release = parse_release(version)
    result = fix_source(source, release, kinds=kinds)
    fixed = result.source
    ast.parse(fixed)
    assert comments(fixed) == comments(source)
    assert in_order(writer.untouchable, fixed.split("\n")), fixed
    refused = {refusal.code for refusal in result.refusals}
    fixed_codes = {change.code for change in result.changes} - refused
    left = {message.split(" ", 1)[0] for _, _, message in check_source(fixed, release)}
    assert not fixed_codes & left, (fixed_codes & left, fixed)
    again = fix_source(fixed, release, kinds=kinds)
    assert again.source == fixed and not again.changes, [c.summary for c in again.changes]


@settings(max_examples=max(EXAMPLES // 5, 10), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(configurations(), RELEASES)
def test_diff_shows_what_fix_writes(tmp_path, writer, version):
    source = writer.text
    path = tmp_path / "configuration.py"
    path.write_text(source, encoding="utf-8")
    _, diff, _ = cli(["--diff", f"--netbox-version={version}", "configuration.py"], tmp_path)
    assert path.read_text(encoding="utf-8") == source
    cli(["--fix", f"--netbox-version={version}", "configuration.py"], tmp_path)
    fixed = path.read_text(encoding="utf-8")
    assert agree(apply_diff(source, diff), fixed)
    assert (diff == "") == (fixed == source)


#: How a configuration is stored: (encoding, first line, line end).
STORAGE = st.sampled_from([("utf-8", "", "\n"), ("utf-8", "", "\r\n"), ("utf-8-sig", "", "\n"),
                           ("utf-8-sig", "", "\r\n"),
                           ("latin-1", "# -*- coding: latin-1 -*-", "\n"),
                           ("latin-1", "# -*- coding: latin-1 -*-", "\r\n")])


@settings(max_examples=max(EXAMPLES // 5, 10), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(configurations(), RELEASES, KINDS, STORAGE)
def test_fix_keeps_encoding_bom_and_line_ends(tmp_path, writer, version, kinds, storage):
    encoding, first, end = storage
    lines = ([first] if first else []) + ["# configuración: ñ, é, ü"] + \
        writer.text.split("\n")[:-1]
    source = "".join(line + end for line in lines)
    path = tmp_path / "configuration.py"
    data = source.encode(encoding)
    path.write_bytes(data)
    flags = [FLAG[kind] for kind in kinds if FLAG[kind]]
    cli(["--fix", *flags, f"--netbox-version={version}", "configuration.py"], tmp_path)
    written = path.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    fixed = written.decode(encoding)
    ast.parse(fixed)
    assert comments(fixed) == comments(source)
    if end == "\r\n":
        assert "\n" not in fixed.replace("\r\n", ""), fixed
    else:
        assert "\r" not in fixed


FLAG = {SAFE: "", UNSAFE: "--unsafe-fixes", UPGRADE_DATABASES: "--upgrade-databases"}
