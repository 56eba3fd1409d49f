"""flake8-netbox --fix and --diff on real files, through the real command: every documented
example, whole-file upgrades against hand-written expected files, and the guarantees (parses,
keeps comments, touches only what it fixes, lints clean, idempotent, --diff agrees with --fix,
never prints a secret)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tokenize
from collections import Counter
from pathlib import Path
from typing import List, Sequence, Tuple

import pytest

from flake8_netbox.cli import main as cli_main
from flake8_netbox.fixes import ALL_FIXES
from flake8_netbox.fixes.base import UNSAFE, UPGRADE_DATABASES
from flake8_netbox.fixes.secrets import KEY_ALPHABET
from flake8_netbox.plugin import RECOGNISING_NAMES
from helpers import lint

FIXTURES = Path(__file__).parent / "fixtures" / "upgrade"
FLAGS = {"safe": [], UNSAFE: ["--unsafe-fixes"], UPGRADE_DATABASES: ["--upgrade-databases"]}


def cli(args: Sequence[str], cwd: Path) -> Tuple[int, str, str]:
    """The flake8-netbox command in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli_main(list(args))
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


def command(args: Sequence[str], cwd: Path, stdin: str = None) -> subprocess.CompletedProcess:
    """The command as users run it: a new process."""
    return subprocess.run([sys.executable, "-m", "flake8_netbox", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=120)


def fixable(snippet: str) -> str:
    """A snippet made a recognisable configuration without changing its lines."""
    if any(re.search(rf"^{name}\b", snippet, re.M) for name in RECOGNISING_NAMES):
        return snippet
    return snippet + "ALLOWED_HOSTS = ['netbox.example.com']\n"


def complete(snippet: str) -> str:
    """A snippet with the settings it lacks added after it: a configuration without findings
    of its own."""
    needed = {
        "ALLOWED_HOSTS": "ALLOWED_HOSTS = ['netbox.example.com']",
        "DATABASE": "DATABASE = {'NAME': 'netbox', 'PASSWORD': ''}",
        "REDIS": "REDIS = {'tasks': {'DATABASE': 0}, 'caching': {'DATABASE': 1}}",
        "SECRET_KEY": "SECRET_KEY = '_1zmXgJm(o8MgY%$xs-(9l_IM=SAzTDyAlCYWUyW^vlJBILyE$'",
    }
    missing = [line for name, line in needed.items()
               if not re.search(rf"^{name}\b", snippet, re.M)]
    return snippet + "".join(line + "\n" for line in missing)


def comments(text: str) -> Counter:
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return Counter(token.string for token in tokens if token.type == tokenize.COMMENT)


def same_line(written: str, shown: str) -> bool:
    """Is ``shown`` (from a diff, secrets redacted) the line ``written``?"""
    pattern = ".*".join(re.escape(part) for part in shown.split("<redacted>"))
    return re.fullmatch(pattern, written, re.S) is not None


def agree(applied: str, fixed: str) -> bool:
    a, b = applied.splitlines(keepends=True), fixed.splitlines(keepends=True)
    return len(a) == len(b) and all(same_line(w, s) for w, s in zip(b, a))


def apply_diff(old: str, diff: str) -> str:
    """A small unified-diff applier of our own, to check --diff against --fix (a redacted
    secret matches any text)."""
    lines = old.splitlines(keepends=True)
    out: List[str] = []
    position = 0
    hunk = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@")
    for line in diff.splitlines(keepends=True):
        match = hunk.match(line)
        if match:
            start = int(match.group(1)) - (0 if match.group(2) == "0" else 1)
            out.extend(lines[position:start])
            position = start
        elif line.startswith(("---", "+++")):
            continue
        elif line.startswith(" "):
            assert same_line(lines[position], line[1:]), (lines[position], line)
            out.append(lines[position])
            position += 1
        elif line.startswith("-"):
            assert same_line(lines[position], line[1:])
            position += 1
        elif line.startswith("+"):
            out.append(line[1:])
    out.extend(lines[position:])
    return "".join(out)


# -- every documented example --------------------------------------------------------------------

EXAMPLES = [pytest.param(fix, example, id=f"{fix.name}-{index}")
            for fix in ALL_FIXES for index, example in enumerate(fix.examples)]


@pytest.mark.parametrize("fix, example", EXAMPLES)
def test_fix_example(fix, example, tmp_path):
    before, after = fixable(example.before), fixable(example.after)
    path = tmp_path / "configuration.py"
    path.write_text(before, encoding="utf-8")
    version = f"--netbox-version={example.netbox_version}"
    nbx_codes = [code for code in fix.codes if code.startswith("NBX")]
    if nbx_codes:  # the example shows a real finding
        assert {r.code for r in lint(before, tmp_path / "lint", version)} & set(nbx_codes)
    cli(["--fix", *FLAGS[example.kind], version, "configuration.py"], tmp_path)
    fixed = path.read_text(encoding="utf-8")
    if "<a new random key>" in after:
        key = re.escape("'<a new random key>'")
        pattern = re.escape(after).replace(key, "'[%s]{50}'" % re.escape(KEY_ALPHABET))
        assert re.fullmatch(pattern, fixed), fixed
    else:
        assert fixed == after
    assert not {r.code for r in lint(fixed, tmp_path / "lint", version)} & set(nbx_codes)
    cli(["--fix", *FLAGS[example.kind], version, "configuration.py"], tmp_path)
    assert path.read_text(encoding="utf-8") == fixed, "a second --fix changed the file"


def test_every_fix_is_documented():
    for fix in ALL_FIXES:
        assert fix.codes and fix.name and fix.summary and fix.examples, fix


# -- whole files upgraded to the 4.6 layout -----------------------------------------------------

UPGRADES = [("netbox26.py", []), ("netbox27.py", []), ("netbox42.py", ["--upgrade-databases"])]


#: The upgraded files still lack API_TOKEN_PEPPERS (NBX104): not what these tests are about.
QUIET = ("--extend-ignore=NBX104",)


@pytest.mark.parametrize("name, flags", UPGRADES)
def test_upgrade_to_46_matches_hand_written_file(name, flags, tmp_path):
    original = (FIXTURES / name).read_text(encoding="utf-8")
    expected = (FIXTURES / name.replace(".py", ".expected.py")).read_text(encoding="utf-8")
    (tmp_path / "configuration.py").write_text(original, encoding="utf-8")
    diff = command(["--diff", "--netbox-version", "4.6", *QUIET, *flags, "configuration.py"],
                   tmp_path)
    assert (tmp_path / "configuration.py").read_text(encoding="utf-8") == original, \
        "--diff wrote the file"
    assert diff.returncode == 1 and diff.stdout.startswith("--- a/configuration.py")
    done = command(["--fix", "--netbox-version", "4.6", *QUIET, *flags, "configuration.py"],
                   tmp_path)
    fixed = (tmp_path / "configuration.py").read_text(encoding="utf-8")
    assert fixed == expected, done.stdout + done.stderr
    assert agree(apply_diff(original, diff.stdout), fixed), "--diff and --fix disagree"
    assert comments(fixed) == comments(original)
    assert done.returncode == 0 and "0 findings remain" in done.stdout, done.stdout
    assert lint(fixed, tmp_path / "lint", "--netbox-version=4.6") == []
    again = command(["--fix", "--netbox-version", "4.6", *QUIET, *flags, "configuration.py"],
                    tmp_path)
    assert (tmp_path / "configuration.py").read_text(encoding="utf-8") == fixed
    assert "fixed 0 problems" in again.stdout


def test_fix_reports_what_changed_and_what_remains(tmp_path):
    shutil.copy(FIXTURES / "netbox26.py", tmp_path / "configuration.py")
    with open(tmp_path / "configuration.py", "a", encoding="utf-8") as handle:
        handle.write("DEBUG = True\n")
    code, out, _ = cli(["--fix", "configuration.py"], tmp_path)
    assert code == 1
    assert "fixed NBX005 REDIS: NetBox 2.6's flat layout rewritten" in out
    assert "fixed NBX502 JOBRESULT_RETENTION renamed JOB_RETENTION" in out
    assert re.search(r"configuration\.py:\d+:\d+: NBX401 DEBUG", out), out
    # the two that remain: NBX401 (DEBUG) and NBX104 (no API_TOKEN_PEPPERS, line 1)
    assert "fixed 2 problems in 1 file; 2 findings remain" in out


def test_fix_follows_the_target_release(tmp_path):
    """For 2.7.0-2.7.10 the task section is 'webhooks' and DEFAULT_TIMEOUT stays in both."""
    source = "REDIS = {'HOST': 'redis', 'DATABASE': 0, 'DEFAULT_TIMEOUT': 300}\n"
    (tmp_path / "configuration.py").write_text(fixable(source), encoding="utf-8")
    cli(["--fix", "--netbox-version=2.7.5", "configuration.py"], tmp_path)
    fixed = (tmp_path / "configuration.py").read_text(encoding="utf-8")
    assert "    'webhooks': {\n" in fixed and "    'caching': {\n" in fixed
    assert fixed.count("'DEFAULT_TIMEOUT': 300,") == 2 and "RQ_DEFAULT_TIMEOUT" not in fixed
    assert not {r.code for r in lint(fixed, tmp_path / "lint", "--netbox-version=2.7.5")} & {
        "NBX005", "NBX201", "NBX504"}
    (tmp_path / "configuration.py").write_text(fixable(source), encoding="utf-8")
    cli(["--fix", "--netbox-version=2.6", "configuration.py"], tmp_path)
    assert (tmp_path / "configuration.py").read_text(encoding="utf-8") == fixable(source)


# -- what is never touched ----------------------------------------------------------------------

REFUSED = [
    pytest.param("REDIS = {'HOST': 'redis', 'DATABASE': 0, 'CACHE_DATABASE': 1}\n"
                 "REDIS['SSL'] = True\n", "NBX005", id="flat-REDIS-changed-later"),
    pytest.param("REDIS = {'webhooks': {}, 'caching': {'DATABASE': 1}}\nQUEUE = 'webhooks'\n",
                 "NBX005", id="webhooks-text-used-elsewhere"),
    pytest.param("REDIS = {\n    'tasks': {'URL': 'redis://redis/0'},\n"
                 "    'caching': {'URL': 'redis://redis/0'},\n}\n", "NBX201", id="cache-in-url"),
    pytest.param("import os\nREDIS = {\n    'tasks': {'DATABASE': int(os.environ['DB'])},\n"
                 "    'caching': {'DATABASE': int(os.environ['DB'])},\n}\n", "NBX201",
                 id="databases-from-environment"),
    pytest.param("JOBRESULT_RETENTION = 90\nJOB_RETENTION = 30\n", "NBX502",
                 id="new-name-already-set"),
    pytest.param("globals().update({})\nREDIS = {'webhooks': {}, 'caching': {'DATABASE': 1}}\n",
                 "", id="globals-written"),
]


@pytest.mark.parametrize("source, code", REFUSED)
def test_fix_refuses_and_says_why(source, code, tmp_path):
    source = fixable(source)
    (tmp_path / "configuration.py").write_text(source, encoding="utf-8")
    _, out, _ = cli(["--fix", "--unsafe-fixes", "configuration.py"], tmp_path)
    assert (tmp_path / "configuration.py").read_text(encoding="utf-8") == source
    assert f"not fixed{' ' + code if code else ''}: " in out, out


def test_noqa_and_ignored_codes_are_left_alone(tmp_path):
    source = complete("REDIS = {\n    'tasks': {'HOST': 'redis'},\n"
                      "    'caching': {'HOST': 'redis'},  # noqa: NBX201\n}\n"
                      "JOBRESULT_RETENTION = 90\n")
    (tmp_path / "configuration.py").write_text(source, encoding="utf-8")
    (tmp_path / "setup.cfg").write_text("[flake8]\nextend-ignore = NBX502, NBX104\n",
                                        encoding="utf-8")
    code, out, _ = cli(["--fix", "configuration.py"], tmp_path)
    assert (tmp_path / "configuration.py").read_text(encoding="utf-8") == source
    assert code == 0 and "0 findings remain" in out, out


def test_stdin_prints_the_fixed_text():
    source = complete("JOBRESULT_RETENTION = 90\n")
    done = command(["--fix", "-", "--stdin-display-name", "configuration.py"], Path.cwd(),
                   stdin=source)
    assert done.stdout == source.replace("JOBRESULT_RETENTION", "JOB_RETENTION")
    assert "fixed NBX502" in done.stderr


def test_line_endings_and_encoding_are_kept(tmp_path):
    source = ("# -*- coding: latin-1 -*-\r\n# Konfiguration für NetBox\r\n"
              "ALLOWED_HOSTS = ['netbox']\r\nREDIS = {\r\n"
              "    'HOST': 'redis',  # Zwischenspeicher\r\n"
              "    'DATABASE': 0,\r\n}\r\n")
    (tmp_path / "configuration.py").write_bytes(source.encode("latin-1"))
    cli(["--fix", "configuration.py"], tmp_path)
    data = (tmp_path / "configuration.py").read_bytes()
    text = data.decode("latin-1")
    assert "für" in text and "'caching': {" in text
    assert data.count(b"\n") == data.count(b"\r\n"), "a line lost its CRLF ending"
    assert comments(text) == comments(source)


# -- unsafe fixes --------------------------------------------------------------------------------

SECRETS = """\
ALLOWED_HOSTS = ['netbox.example.com']
DATABASE = {
    'NAME': 'netbox',
    'PASSWORD': 'Sup3r-S3cret-pw',  # from the old wiki
}
REDIS = {
    'tasks': {'HOST': 'redis', 'PASSWORD': 'R3dis-pw-9', 'DATABASE': 0},
    'caching': {'HOST': 'redis', 'PASSWORD': 'R3dis-pw-9', 'DATABASE': 1},
}
SECRET_KEY = 'netbox-secret'
"""


def test_unsafe_fixes_move_secrets_out_and_never_print_them(tmp_path):
    path = tmp_path / "configuration.py"
    path.write_text(SECRETS, encoding="utf-8")
    code, out, err = cli(["--diff", "--unsafe-fixes", "configuration.py"], tmp_path)
    assert path.read_text(encoding="utf-8") == SECRETS
    assert "configuration.py: would fix NBX301 " in err and "fixed NBX" not in err
    shown = out + err
    for secret in ("Sup3r-S3cret-pw", "R3dis-pw-9", "netbox-secret"):
        assert secret not in shown
    assert "'<redacted>'" in out and code == 1

    code, out, err = cli(["--fix", "--unsafe-fixes", "configuration.py"], tmp_path)
    fixed = path.read_text(encoding="utf-8")
    key = re.search(r"SECRET_KEY = '(.*)'", fixed).group(1)
    for secret in ("Sup3r-S3cret-pw", "R3dis-pw-9", "netbox-secret", key):
        assert secret not in out + err
    assert "Sup3r-S3cret-pw" not in fixed and "R3dis-pw-9" not in fixed
    assert len(key) == 50 and set(key) <= set(KEY_ALPHABET)
    assert fixed.startswith("import os\nALLOWED_HOSTS") and fixed.count("import os") == 1
    assert "'PASSWORD': os.environ['NETBOX_DATABASE_PASSWORD'],  # from the old wiki" in fixed
    for variable in ("NETBOX_DATABASE_PASSWORD", "NETBOX_REDIS_PASSWORD"):
        assert f"os.environ['{variable}']" in fixed and variable in out
    assert fixed.count("os.environ['NETBOX_REDIS_PASSWORD']") == 2  # one password, one name
    assert "signed out" in out
    assert not {r.code for r in lint(fixed, tmp_path / "lint")} & {"NBX101", "NBX301"}
    assert comments(fixed) == comments(SECRETS)


def test_unsafe_fixes_are_only_offered_without_the_flag(tmp_path):
    path = tmp_path / "configuration.py"
    path.write_text(SECRETS, encoding="utf-8")
    code, out, _ = cli(["--fix", "configuration.py"], tmp_path)
    assert path.read_text(encoding="utf-8") == SECRETS
    assert "available with --unsafe-fixes: NBX101" in out
    assert "available with --unsafe-fixes: NBX301" in out
    assert code == 1


def test_modifiers_need_a_mode(tmp_path):
    code, _, err = cli(["--unsafe-fixes", "."], tmp_path)
    assert code == 2 and "--fix or --diff" in err


def test_a_setting_bound_in_branches_is_fixed_in_each_and_the_report_says_so(tmp_path):
    source = ("import os\nALLOWED_HOSTS = ['netbox.example.com']\n"
              "if os.environ.get('PRODUCTION'):\n"
              "    REDIS = {'HOST': 'redis-prod', 'DATABASE': 0}  # production\n"
              "else:\n"
              "    REDIS = {'HOST': 'localhost', 'DATABASE': 0}\n")
    (tmp_path / "configuration.py").write_text(source, encoding="utf-8")
    _, out, _ = cli(["--fix", "configuration.py"], tmp_path)
    fixed = (tmp_path / "configuration.py").read_text(encoding="utf-8")
    assert fixed.count("        'caching': {\n") == 2, fixed
    assert "    }  # production\n" in fixed
    assert out.count("REDIS is bound in 2 places") == 2, out
    assert not {r.code for r in lint(fixed, tmp_path / "lint")} & {"NBX005", "NBX201"}


def test_lone_carriage_returns_are_left_alone(tmp_path):
    source = fixable("REDIS = {'HOST': 'redis', 'DATABASE': 0}\n").replace("\n", "\r")
    (tmp_path / "configuration.py").write_bytes(source.encode())
    _, out, _ = cli(["--fix", "configuration.py"], tmp_path)
    assert (tmp_path / "configuration.py").read_bytes() == source.encode()
    assert "not fixed: the file ends lines with a lone carriage return" in out


def test_diff_redacts_secrets_written_in_pieces_and_parentheses(tmp_path):
    source = complete("DATABASE = {\n    'NAME': 'netbox',\n    'PASSWORD': (\n"
                      "        'first-half-of-pw'  # split\n"
                      "        'second-half-of-pw'\n    ),\n}\n"
                      "JOBRESULT_RETENTION = 90\n")
    (tmp_path / "configuration.py").write_text(source, encoding="utf-8")
    _, out, err = cli(["--diff", "configuration.py"], tmp_path)
    assert "JOB_RETENTION" in out
    assert "half-of-pw" not in out + err and "<redacted>" in out, out


# -- regressions found by fuzz/fuzz_plugin.py --engine fix ----------------------------------------

def test_cache_avoids_every_database_the_task_queue_can_use(tmp_path):
    """Seed 5: with the task queue on 1 or 0 depending on a branch, moving the cache to the
    lowest number the queue 'does not use' flipped between 0 and 1 on every run."""
    source = complete("import os\nREDIS = {\n    'tasks': {'HOST': 'redis', 'DATABASE': 1},\n"
                      "    'caching': {'HOST': 'redis'},\n}\n"
                      "if os.environ.get('WORKER'):\n    REDIS['tasks']['DATABASE'] = 0\n")
    (tmp_path / "configuration.py").write_text(source, encoding="utf-8")
    _, out, _ = cli(["--fix", "configuration.py"], tmp_path)
    fixed = (tmp_path / "configuration.py").read_text(encoding="utf-8")
    assert "'caching': {'HOST': 'redis', 'DATABASE': 2}," in fixed, out
    assert "(the task queue uses 0 or 1)" in out
    cli(["--fix", "configuration.py"], tmp_path)
    assert (tmp_path / "configuration.py").read_text(encoding="utf-8") == fixed


def test_a_key_written_twice_is_left_to_the_user(tmp_path):
    """Seed 5: a flat REDIS with DEFAULT_TIMEOUT twice lost the comment of one of them."""
    source = complete("REDIS = {\n    'HOST': 'redis',\n    'DEFAULT_TIMEOUT': 300,  # first\n"
                      "    'DEFAULT_TIMEOUT': 600,  # second\n}\n")
    (tmp_path / "configuration.py").write_text(source, encoding="utf-8")
    _, out, _ = cli(["--fix", "configuration.py"], tmp_path)
    assert (tmp_path / "configuration.py").read_text(encoding="utf-8") == source
    assert "not fixed NBX005: REDIS sets 'DEFAULT_TIMEOUT' twice; remove one by hand" in out


def test_stdin_gets_its_text_back_whatever_happens():
    """An editor that pipes its buffer through --fix must never get an empty buffer back."""
    for text in ("x = (\n", "print('not a configuration')\n"):
        done = command(["--fix", "-", "--stdin-display-name", "configuration.py"], Path.cwd(),
                       stdin=text)
        assert done.stdout == text, done.stderr


def test_an_unreadable_file_is_reported_and_the_others_are_fixed(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "configuration.py").write_bytes(b"# -*- coding: utf-8 -*-\nX = '\xff'\n")
    (tmp_path / "b" / "configuration.py").write_text(complete("JOBRESULT_RETENTION = 1\n"))
    code, out, _ = cli(["--fix", "a/configuration.py", "b/configuration.py"], tmp_path)
    assert "a/configuration.py: not fixed: the file cannot be read or decoded" in out
    assert "JOB_RETENTION = 1" in (tmp_path / "b" / "configuration.py").read_text()
    assert code == 1


def test_noqa_on_the_reported_line_holds_for_fixes_that_edit_elsewhere(tmp_path):
    """NBX201 on a section without DATABASE is reported at the section, while the fix adds a
    line below it; NBX504 is reported at the key, while RQ_DEFAULT_TIMEOUT goes after REDIS."""
    silenced = complete("REDIS = {\n    'tasks': {\n        'HOST': 'redis',\n"
                        "        'DEFAULT_TIMEOUT': 300,  # noqa: NBX504\n    },\n"
                        "    'caching': {  # noqa: NBX201\n        'HOST': 'redis',\n    },\n}\n")
    path = tmp_path / "configuration.py"
    path.write_text(silenced, encoding="utf-8")
    _, out, _ = cli(["--fix", "--netbox-version=4.6", "configuration.py"], tmp_path)
    assert path.read_text(encoding="utf-8") == silenced, out
    path.write_text(silenced.replace("  # noqa: NBX504", "").replace("  # noqa: NBX201", ""),
                    encoding="utf-8")
    _, out, _ = cli(["--fix", "--netbox-version=4.6", "configuration.py"], tmp_path)
    assert "fixed NBX201" in out and "fixed NBX504" in out, out
