"""Findings or silence, in bounded time and memory, whatever the input (issue 15).

Each test asserts the mechanism that bounds the cost (a pattern classified without running
it, difflib called only on candidates, a non-regular file refused before it is read, a
nesting limit applied before anything recursive runs), never how long something took.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, List

import pytest

from flake8_netbox import checker, patterns, suggest
from flake8_netbox.checker import MAX_DEPTH, check_source, nesting_depth
from flake8_netbox.files import NotRegularFile, read_bytes
from flake8_netbox.fixer import fix_source
from flake8_netbox.fixes.base import SAFE, UNSAFE, UPGRADE_DATABASES
from flake8_netbox.netbox import DEFAULT_RELEASE, names_read
from flake8_netbox.patterns import prefix_matches
from helpers import parse

SCRIPT = Path(sys.executable).with_name("flake8-netbox")
HEAD = ("import os\n"
        "ALLOWED_HOSTS = ['netbox.example.com']\n"
        "DATABASE = {'NAME': 'netbox', 'PASSWORD': os.environ['DB_PASSWORD']}\n"
        "REDIS = {'tasks': {'HOST': 'r', 'DATABASE': 0}, 'caching': {'HOST': 'r', 'DATABASE': 1}}\n"
        "SECRET_KEY = os.environ['SECRET_KEY']\n")
ORIGINS = ("https://attacker.invalid", "http://198.51.100.7:8080")


def command(args: List[str], cwd: Path) -> subprocess.CompletedProcess:
    # The timeout only keeps a regression from hanging the suite; nothing asserts on time.
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def codes(source: str) -> List[str]:
    return [message.split()[0] for _, _, message in check_source(source, DEFAULT_RELEASE)]


# -- NBX403: a user's regular expression is never run ------------------------------------------

#: The case cors-regex-redos: nested quantifiers that take Python's re seconds to minutes.
REDOS = (r"^(.*?)*(.*?)*(.*?)*\.example\.com$",
         r"^(https?://)?([\w\-.:/]*)*corp\.example\.com$",
         r"^(https?:\/\/)?(([\w-]+\.?)+)+\.example\.com$",
         r"^(https?://)?([\w\-.:/]*)*lab\.example\.org$")


@pytest.fixture
def re_never_compiles(monkeypatch: Any) -> List[str]:
    """Every pattern given to ``re`` while the fixture is active fails the test if it is one of
    the user's (the re module compiles everything through re._compile)."""
    asked: List[str] = []
    original = re._compile  # type: ignore[attr-defined]

    def watch(pattern: Any, flags: Any) -> Any:
        if pattern in REDOS or pattern in (".*", r"^https?://.*$"):
            asked.append(pattern)
        return original(pattern, flags)

    monkeypatch.setattr(re, "_compile", watch)
    return asked


def test_redos_patterns_are_classified_without_running_them(re_never_compiles):
    source = HEAD + "CORS_ORIGIN_REGEX_WHITELIST = [\n" + \
        "".join(f"    r'{pattern}',\n" for pattern in REDOS) + "    r'.*',\n]\n"
    findings = check_source(source, DEFAULT_RELEASE)
    nbx403 = [line for line, _, message in findings if message.startswith("NBX403")]
    assert nbx403 == [11]  # '.*' matches any origin; the four site patterns do not
    assert re_never_compiles == []
    for pattern in REDOS:
        assert [prefix_matches(pattern, origin) for origin in ORIGINS] == [False, False]


@pytest.mark.parametrize("pattern, expected", [
    (".*", True), ("^.*$", True), (r"^https?://.*$", True), ("(?s).+", True),
    (r"[\s\S]*", True), ("^(https?://)?.*", True), ("(?i)^HTTPS?://", True),
    (r"^https://\w+\.example\.com$", False), (r"^https://(.+\.)?example\.com$", False),
    (r"\bexample\b", False), ("", True),
    # Beyond regular languages: unknown, so no finding (silence rather than a guess)
    (r"(.)\1", None), ("(?=h).*", None), ("(?!x).*", None),
    ("(a{100}){100}", None),  # more automaton states than MAX_STATES
    ("(", None),  # does not compile
])
def test_patterns_are_judged_on_their_parsed_structure(pattern, expected):
    assert prefix_matches(pattern, ORIGINS[0]) is expected


def test_a_pattern_of_the_maximum_length_is_still_followed_linearly():
    pattern = "(a?)" * 200 + "x"
    assert len(pattern) <= patterns.MAX_PATTERN
    assert prefix_matches(pattern, "a" * 200 + "x") is True
    assert prefix_matches(pattern, "a" * 200) is False
    assert prefix_matches("a" * (patterns.MAX_PATTERN + 1), "a") is None


# -- NBX501: difflib only on candidates ---------------------------------------------------------

def test_many_unknown_names_compare_only_candidates_with_difflib(monkeypatch):
    # Reconstruction of shared/cases/reliability/many-unknown-names-slow
    compared: List[str] = []
    original = difflib.SequenceMatcher.set_seq1

    def counting(self: difflib.SequenceMatcher, a: Any) -> None:
        compared.append(a)
        original(self, a)

    monkeypatch.setattr(difflib.SequenceMatcher, "set_seq1", counting)
    source = HEAD + "".join(f"REDIS_SETTING_{i} = {i}\n" for i in range(2000)) + \
        "ALLOWED_HOST = ['x']\nLOGIN_REQUIERD = True\n"
    findings = check_source(source, DEFAULT_RELEASE)
    messages = [message for _, _, message in findings if message.startswith("NBX501")]
    assert len(messages) == 2002
    assert any("did you mean ALLOWED_HOSTS?" in m for m in messages)
    assert any("did you mean LOGIN_REQUIRED?" in m for m in messages)
    # 2,002 names against the settings NetBox reads: difflib's full ratio only for the few
    # candidates whose common characters could reach the cutoff (plain get_close_matches
    # would compare each name with every setting: over 200,000 comparisons).
    assert len(compared) < 100
    assert len(names_read(DEFAULT_RELEASE)) * 2002 > 200_000


def test_suggestions_are_difflib_s_own():
    settings = sorted(names_read(DEFAULT_RELEASE))
    for word in ("ALLOWED_HOST", "LOGIN_REQUIERD", "SECRETKEY", "REDIS_SETTING_1", "", "X",
                 "DATABASES_", "CORS_ORIGIN_WHITELST"):
        for cutoff in (0.6, 0.8):
            expected = difflib.get_close_matches(word, settings, n=1, cutoff=cutoff)
            assert suggest.closest_match(word, settings, cutoff) == \
                (expected[0] if expected else None)


# -- Files that are not regular files -----------------------------------------------------------

fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
BAD_PART = "import os\nDEBUG = True\n"  # NBX401 on line 2


@fifo_only
def test_reading_a_fifo_refuses_it_before_reading(tmp_path):
    fifo = tmp_path / "configuration.py"
    os.mkfifo(fifo)  # no writer: open() without O_NONBLOCK would wait for ever
    with pytest.raises(NotRegularFile, match=r"not a regular file \(a FIFO\)"):
        read_bytes(str(fifo))
    with pytest.raises(NotRegularFile, match="a directory"):
        read_bytes(str(tmp_path))
    loop = tmp_path / "loop.py"
    loop.symlink_to(loop)
    with pytest.raises(OSError) as raised:
        read_bytes(str(loop))
    assert not isinstance(raised.value, NotRegularFile)


@fifo_only
def test_config_dir_skips_a_fifo_and_checks_the_rest(tmp_path):
    # Reconstruction of shared/cases/reliability/fifo-hang
    folder = tmp_path / "configuration"
    folder.mkdir()
    os.mkfifo(folder / "configuration.py")
    (folder / "extra.py").write_text(BAD_PART)
    (folder / "loop.py").symlink_to(folder / "loop.py")
    # E902 (a file flake8 cannot read) is selected explicitly: the command's own selection
    # of it is another issue's; here the loop must reach flake8.
    result = command(["--config-dir", "configuration", "--extend-select=NBX,E902"], tmp_path)
    assert "configuration.py: skipped: not a regular file (a FIFO)" in result.stderr
    found = sorted((Path(r.path).name, r.row, r.code) for r in parse(result.stdout))
    assert ("extra.py", 2, "NBX401") in found  # the other files are still checked
    assert ("loop.py", 0, "E902") in found  # the symbolic link loop is reported


@fifo_only
@pytest.mark.parametrize("mode", ["--fix", "--diff", "--lint"])
def test_fix_skips_a_fifo_and_fixes_the_rest(tmp_path, mode):
    # Reconstruction of shared/cases/reliability/fifo-hang
    for name in ("fifo", "good", "loop"):
        (tmp_path / name).mkdir()
    os.mkfifo(tmp_path / "fifo" / "configuration.py")
    (tmp_path / "good" / "configuration.py").write_text(FIXABLE)
    (tmp_path / "loop" / "configuration.py").symlink_to(tmp_path / "loop" / "configuration.py")
    result = command([mode, "."] if mode != "--lint" else ["."], tmp_path)
    output = result.stdout + result.stderr
    assert "fifo/configuration.py: skipped: not a regular file (a FIFO)" in output
    assert "please report" not in output
    if mode == "--lint":  # flake8 itself would block on the FIFO: the command keeps it out
        assert "good/configuration.py:6:1: NBX502" in output
        assert "loop/configuration.py:0:1: E902" in output
        return
    assert "loop/configuration.py: not fixed: the file cannot be read" in output
    assert "good/configuration.py: " + ("fixed" if mode == "--fix" else "would fix") in output


# -- Deep nesting: the same silence in lint and --fix ------------------------------------------

#: Chains that Python's ast keeps flat or shallow but libcst nests one level per link.
DEEP_CHAINS = {
    "or-chain": lambda n: " or ".join(f"os.environ.get('H{i}')" for i in range(n)),
    "nested-not": lambda n: "not " * n + "os.environ.get('A')",
    "unary-minus": lambda n: "-" * n + "1",
    "attribute-chain": lambda n: "os" + ".path" * n,
    "subscript-chain": lambda n: "D" + "[0]" * n,
    "conditional-chain": lambda n: "1 if os.environ.get('A') else " * n + "2",
}
#: The lengths the case fix-recursionerror-reported-as-bug and its README name.
DEEP = {kind: f"X = {chain(2000 if kind == 'unary-minus' else 600)}\n"
        for kind, chain in DEEP_CHAINS.items()}
#: One finding of each kind the fixes answer, to see that nothing is fixed or reported.
FIXABLE = ("import os\nALLOWED_HOSTS = ['x']\n"
           "DATABASE = {'NAME': 'n', 'PASSWORD': 'Rc4-recursion-pw'}\n"
           "REDIS = {'HOST': 'r', 'DATABASE': 0}\nSECRET_KEY = os.environ['SECRET_KEY']\n"
           "JOBRESULT_RETENTION = 3\n")


@pytest.mark.parametrize("kind", sorted(DEEP))
def test_deep_nesting_gives_lint_s_silence_and_a_plain_note_in_fix(kind, tmp_path):
    import ast

    source = FIXABLE + DEEP[kind]
    assert nesting_depth(ast.parse(source)) > MAX_DEPTH
    assert checker.too_costly(source, ast.parse(source))
    assert check_source(source, DEFAULT_RELEASE) == []
    result = fix_source(source, DEFAULT_RELEASE, kinds=(SAFE, UNSAFE, UPGRADE_DATABASES))
    assert result.source == source and result.changes == [] and result.remaining == []
    assert [r.reason for r in result.refusals] == [
        "the file is too large or nests expressions too deeply to be checked (see the "
        "limits in docs/reliability.md); it is left unchanged"]


def test_the_recursion_case_through_the_command(tmp_path):
    """The case fix-recursionerror-reported-as-bug: a 600-long chain of 'or'."""
    (tmp_path / "configuration.py").write_text(FIXABLE + DEEP["or-chain"])
    fixed = command(["--fix", "configuration.py"], tmp_path)
    assert "RecursionError" not in fixed.stdout + fixed.stderr
    assert "please report" not in fixed.stdout + fixed.stderr
    assert "nests expressions too deeply" in fixed.stdout
    assert (tmp_path / "configuration.py").read_text() == FIXABLE + DEEP["or-chain"]
    linted = command(["configuration.py"], tmp_path)
    assert parse(linted.stdout) == [] and linted.returncode == 0


def _with_stack(frames: int, call: Any) -> Any:
    return call() if frames == 0 else _with_stack(frames - 1, call)


@pytest.mark.parametrize("kind", sorted(DEEP_CHAINS))
def test_below_the_limit_results_do_not_depend_on_the_caller_s_stack(kind):
    """Just under MAX_DEPTH, a caller 150 frames deep (a plugin host, an editor) gets the
    same findings and fixes as a shallow one: the limit, not the stack, decides."""
    import ast

    def source(n: int) -> str:
        return FIXABLE + f"X = {DEEP_CHAINS[kind](n)}\n"

    low, high = 1, MAX_DEPTH + 10  # the longest chain under the limit
    while low < high:
        middle = (low + high + 1) // 2
        if nesting_depth(ast.parse(source(middle))) <= MAX_DEPTH:
            low = middle
        else:
            high = middle - 1
    text = source(low)
    assert nesting_depth(ast.parse(text)) > MAX_DEPTH - 5

    def both() -> Any:
        fixed = fix_source(text, DEFAULT_RELEASE, kinds=(SAFE, UNSAFE, UPGRADE_DATABASES))
        return check_source(text, DEFAULT_RELEASE), fixed.source, fixed.remaining

    shallow, deep = both(), _with_stack(150, both)
    assert shallow == deep
    assert shallow[0] and shallow[1] != text  # checked and fixed, not silenced


# -- One size bound for every value the evaluator builds ---------------------------------------

def facts_of(source: str) -> Any:
    import ast

    import libcst

    from flake8_netbox.evaluator import evaluate

    return evaluate(libcst.parse_module(source), ast.parse(source), source)


def kinds_of(source: str, name: str) -> List[str]:
    return sorted({type(value).__name__ for value in facts_of(source).values(name)})


@pytest.mark.parametrize("source, name", [
    # the case string-doubling-memory, configuration.py: 2 characters doubled 40 times
    ("BANNER = 'ab'\n" + "BANNER += BANNER\n" * 40, "BANNER"),
    ("BANNER = 'ab'\n" + "BANNER = BANNER + BANNER\n" * 40, "BANNER"),
    ("BANNER = b'ab'\n" + "BANNER += BANNER\n" * 40, "BANNER"),
    ("T = ('a',)\n" + "T = T + T\n" * 40, "T"),
    # configuration_replace.py: 'a' * 40000, each 'a' replaced by the whole string
    ("_A = 'a' * 40000\n_B = _A.replace('a', _A)\n", "_B"),
    ("_A = 'a' * 40000\n_B = _A.replace('', _A)\n", "_B"),
    ("_A = 'ab' * 50000\n_B = _A + _A\n", "_B"),
    ("_A = 'a' * 400\n_B = '%s' % _A\n" + "_B = '%s%s' % (_B, _B)\n" * 20, "_B"),
    ("_A = 'ab'\n" + "_A = '-'.join([_A, _A])\n" * 40, "_A"),
    ("_A = 'ab'\n" + "_A = '{}{}'.format(_A, _A)\n" * 40, "_A"),
    ("_A = 'ab'\n" + "_A = f'{_A}{_A}'\n" * 40, "_A"),
    # configuration_list.py: L = L + L thirty times on a one-item list
    ("L = ['a']\n" + "L = L + L\n" * 30, "L"),
])
def test_values_beyond_the_size_bound_are_unknown(source, name):
    assert kinds_of(source, name) == ["Unknown"]


def test_values_within_the_size_bound_are_still_computed():
    facts = facts_of("BANNER = 'ab'\n" + "BANNER += BANNER\n" * 10 +
                     "_A = 'a' * 300\n_B = _A.replace('a', 'bb')\nL = ['a']\n" +
                     "L = L + L\n" * 10)
    assert [v.value for v in facts.values("BANNER")] == ["ab" * 2 ** 10]
    assert [v.value for v in facts.values("_B")] == ["bb" * 300]
    assert [len(v.items) for v in facts.values("L")] == [2 ** 10]


def test_a_list_extended_by_itself_is_bounded_and_open():
    """The case list-self-extend-hang: ALLOWED_HOSTS += ALLOWED_HOSTS (and .extend(itself))
    once extended a list by a generator over the list itself, for ever."""
    from flake8_netbox.evaluator import MAX_BUILT_SIZE

    once = facts_of("ALLOWED_HOSTS = ['a.example.com']\nALLOWED_HOSTS += ALLOWED_HOSTS\n"
                    "ALLOWED_HOSTS.extend(ALLOWED_HOSTS)\n").values("ALLOWED_HOSTS")
    assert [(len(v.items), v.open) for v in once] == [(4, False)]
    many = facts_of("ALLOWED_HOSTS = ['a.example.com']\n" +
                    "ALLOWED_HOSTS += ALLOWED_HOSTS\nALLOWED_HOSTS.extend(ALLOWED_HOSTS)\n" * 20
                    ).values("ALLOWED_HOSTS")
    assert [v.open for v in many] == [True]  # more items than it keeps: open, not unknown
    assert len(many[0].items) <= MAX_BUILT_SIZE


def test_appending_a_list_to_itself_terminates():
    source = HEAD + "_L = ['a']\n" + "_L.append(_L)\n" * 40 + "ALLOWED_HOSTS += _L\n" + \
        "_D = {'PASSWORD': os.environ['P']}\n" + "_D['self'] = _D\n" * 5 + \
        "_D = {'a': _D, 'b': _D}\n" * 40 + "STORAGE_CONFIG = _D\n"
    assert "NBX000" not in codes(source)


def test_alternatives_per_entry_are_capped():
    """The case branch-alternatives-quadratic: 2,000 if blocks each writing REDIS keys once
    made every write rebuild the set of all earlier values and NBX201 compare every pair."""
    from flake8_netbox.evaluator import MAX_ALTERNATIVES

    blocks = "".join(f"if os.environ.get('A{i}'):\n    REDIS['tasks']['DATABASE'] = {i}\n"
                     f"    REDIS['caching']['DATABASE'] = {i + 1}\n" for i in range(2000))
    facts = facts_of(HEAD + blocks + "X = 0\n" + "".join(
        f"if os.environ.get('B{i}'):\n    X = {i}\n" for i in range(2000)))
    redis = facts.values("REDIS")[0]
    for section in ("tasks", "caching"):
        slots = redis.entries[section].values()[0].entries["DATABASE"].slots
        assert len(slots) <= MAX_ALTERNATIVES
        assert type(slots[-1].value).__name__ == "Unknown"
    assert len(facts.slots("X")) <= MAX_ALTERNATIVES
    # Under the cap every alternative is kept, and NBX201 still sees the collision.
    few = "".join(f"if os.environ.get('A{i}'):\n    REDIS['caching']['DATABASE'] = {i}\n"
                  for i in range(3))
    assert sorted(v.value for v in facts_of(HEAD + few).values("REDIS")[0].entries["caching"]
                  .values()[0].entries["DATABASE"].values()) == [0, 1, 1, 2]
    assert "NBX201" in codes(HEAD + few)


# -- --fix: a bounded amount of work, all or nothing --------------------------------------------

#: Fixes that wait for each other (one pass each): the REDIS rewrite, then the DATABASE upgrade.
CHAINED = ("import os\nALLOWED_HOSTS = ['x']\n"
           "DATABASE = {'NAME': 'n', 'PASSWORD': os.environ['DB']}\n"
           "REDIS = {'HOST': 'r', 'DATABASE': 0, 'DEFAULT_TIMEOUT': 300}\n"
           "SECRET_KEY = os.environ['SECRET_KEY']\nJOBRESULT_RETENTION = 3\n")


def _nodes(source: str) -> int:
    import ast

    return sum(1 for _ in ast.walk(ast.parse(source)))


def test_fix_beyond_its_work_limit_changes_nothing_and_says_so(monkeypatch):
    """A --fix run parses and evaluates the file once per pass: the number of passes a file of
    its size may take is bounded (fixer.MAX_FIX_WORK), and a file that would need more is left
    exactly as it was (not half fixed: the same file always gets the same answer)."""
    from flake8_netbox import fixer

    kinds = (SAFE, UNSAFE, UPGRADE_DATABASES)
    fixed = fix_source(CHAINED, DEFAULT_RELEASE, kinds=kinds)
    assert len({id(c) for c in fixed.changes}) >= 2 and fixed.source != CHAINED
    monkeypatch.setattr(fixer, "MAX_FIX_WORK", _nodes(CHAINED) * 2 - 1)  # one pass only
    limited = fix_source(CHAINED, DEFAULT_RELEASE, kinds=kinds)
    assert limited.source == CHAINED and limited.changes == []
    assert [r.reason for r in limited.refusals if "too large for --fix" in r.reason]
    assert sorted(limited.remaining) == sorted(check_source(CHAINED, DEFAULT_RELEASE))
    again = fix_source(limited.source, DEFAULT_RELEASE, kinds=kinds)
    assert again.source == CHAINED and again.changes == []


def test_a_large_file_is_fixed_all_or_nothing():
    """Over half the work limit in syntax-tree nodes (and under lint's own MAX_NODES): --fix
    may parse it only once, so the chained fixes are refused together and the text keeps
    every byte, while the findings are still reported."""
    from flake8_netbox.checker import MAX_NODES
    from flake8_netbox.fixer import MAX_FIX_WORK

    filler = "".join(f"_H{i} = [{i}, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n" for i in range(3500))
    source = CHAINED + filler
    assert MAX_FIX_WORK // 2 < _nodes(source) <= MAX_NODES
    result = fix_source(source, DEFAULT_RELEASE, kinds=(SAFE, UNSAFE, UPGRADE_DATABASES))
    assert result.source == source and result.changes == []
    assert [r.reason for r in result.refusals if "too large for --fix" in r.reason]
    assert {"NBX005", "NBX502"} <= {message.split()[0] for _, _, message in result.remaining}


def test_fixes_look_for_a_name_only_where_it_is_a_name():
    """A large file whose every statement holds the string 'DATABASE' (a REDIS key) is not
    searched statement by statement for the name DATABASE (libcst's walk of each took
    seconds on 6,000 lines)."""
    import ast

    import libcst

    from flake8_netbox.fixes.base import Source

    text = HEAD + "".join(f"if os.environ.get('A{i}'):\n    REDIS['tasks']['DATABASE'] = {i}\n"
                          for i in range(50))
    source = Source(text, libcst.parse_module(text), ast.parse(text))
    assert source.mentions("DATABASE", as_string=False) == [2]
    assert len(source.mentions("DATABASE", as_name=False)) == 51
    assert [stmt for stmt, _ in source.find("DATABASE", libcst.Name,
                                            lambda node: node.value == "DATABASE")] == [2]
