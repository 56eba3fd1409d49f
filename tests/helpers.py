"""Running real flake8 on real files, in-process (fast) or as a subprocess (as users do)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List, NamedTuple, Optional, Sequence, Tuple

from flake8.main.cli import main as flake8_main

from flake8_netbox.plugin import RECOGNISING_NAMES

FORMAT = "%(path)s:%(row)d:%(col)d: %(code)s %(text)s"
_LINE = re.compile(r"^(?P<path>.*?):(?P<row>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<text>.*)$")
MARKER = re.compile(r"#.*?\b(NBX\d{3})\b")


class Result(NamedTuple):
    path: str
    row: int
    col: int
    code: str
    text: str


def parse(output: str) -> List[Result]:
    results = []
    for line in output.splitlines():
        match = _LINE.match(line)
        if match:
            results.append(Result(match["path"], int(match["row"]), int(match["col"]),
                                  match["code"], match["text"]))
    return results


def flake8_inprocess(args: Sequence[str], cwd: Path) -> Tuple[int, List[Result], str]:
    """flake8's own command-line entry point, in this process (no interpreter start-up)."""
    out = Path(tempfile.mkstemp(suffix=".txt")[1])
    old = os.getcwd()
    os.chdir(cwd)
    try:
        code = flake8_main([*with_quiet_peppers(args), f"--format={FORMAT}",
                            f"--output-file={out}"])
    finally:
        os.chdir(old)
    text = out.read_text(encoding="utf-8")
    out.unlink()
    return code, parse(text), text


def flake8_subprocess(args: Sequence[str], cwd: Path, stdin: Optional[str] = None,
                      fmt: bool = True) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "flake8", *with_quiet_peppers(args)]
    if fmt:
        argv.append(f"--format={FORMAT}")
    return subprocess.run(argv, cwd=cwd, input=stdin, capture_output=True, text=True,
                          timeout=120)


def lint(source: str, tmp_path: Path, *args: str, name: str = "configuration.py"
         ) -> List[Result]:
    """Write ``source`` to ``name`` and return flake8's NBX findings for it."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    _, results, _ = flake8_inprocess(["--select=NBX", *args, name], tmp_path)
    return results


def quiet_peppers(args: Sequence[str]) -> List[str]:
    """Snippets about other rules leave API_TOKEN_PEPPERS out: NBX104 (line 1, every closed
    4.5+ file without it) is ignored unless the test names it (its own tests do). Returns
    the arguments to add; an ``--extend-ignore`` of the test's own is extended in place."""
    if any("NBX104" in arg or "NBX10" in arg for arg in args):
        return []
    return ["--extend-ignore=NBX104"]


def with_quiet_peppers(args: Sequence[str]) -> List[str]:
    out = list(args)
    for index, arg in enumerate(out):
        if arg.startswith("--extend-ignore="):
            if not quiet_peppers(args):
                return out
            out[index] = arg + ",NBX104"
            return out
    return out + quiet_peppers(args)


def expected_markers(source: str) -> List[Tuple[int, str]]:
    """(line, code) for every ``# NBXnnn`` marker comment, one per code mentioned."""
    expected = []
    for number, line in enumerate(source.splitlines(), start=1):
        if "#" in line:
            comment = line[line.index("#"):]
            expected.extend((number, code) for code in re.findall(r"\bNBX\d{3}\b", comment))
    return sorted(expected)


COMPOUND = re.compile(r"(if|try|for|while|with|def|class|match|async|@)\b")


def as_configuration(snippet: str, filename: str = "configuration.py") -> Tuple[str, int]:
    """Make a snippet a recognisable configuration: ``import os`` in front of line 1 (or on a
    line of its own before a compound statement: the offset returned says how far the lines
    moved), and a harmless ALLOWED_HOSTS appended when the snippet binds none of the names
    that identify a NetBox configuration."""
    offset = 0
    if "import os" in snippet:
        source = snippet
    elif COMPOUND.match(snippet):
        source, offset = "import os\n" + snippet, 1
    else:
        source = "import os; " + snippet
    if filename == "ldap_config.py":
        if not re.search(r"^(AUTH_)?LDAP_", snippet, re.M):
            source += "\nAUTH_LDAP_BIND_DN = ''\n"
    elif not any(re.search(rf"^{name}\b", snippet, re.M) for name in RECOGNISING_NAMES):
        source += "\nALLOWED_HOSTS = ['netbox.example.com']\n"
    return source, offset


def shifted(markers: List[Tuple[int, str]], offset: int) -> List[Tuple[int, str]]:
    return [(line + offset, code) for line, code in markers]


#: The head of a small configuration: NBX301 on line 6, NBX201 on line 10; the tests that use it
#: add a SECRET_KEY line of their own (line 12).
SMALL_CONFIGURATION = """\
import os

ALLOWED_HOSTS = ['netbox.example.com']
DATABASE = {
    'NAME': 'netbox',
    'PASSWORD': 'db-password-in-git',
}
REDIS = {
    'tasks': {'HOST': 'localhost', 'DATABASE': 0},
    'caching': {'HOST': 'localhost', 'DATABASE': 0},
}
"""
