"""Every input under shared/cases/reliability/ (issue 15) as a regression test of its own.

Each case folder is one test, named after the folder: its input files (configuration.py, the
variants its README.txt says to rename to configuration.py, the files its make.sh or gen.py
makes) are copied to a temporary folder and given to the installed ``flake8-netbox`` command
as the README.txt describes, and what the README calls right is asserted. On top of each
case's own assertions, every run of every case is held to the promises that hold everywhere:
no internal error (a traceback, NBX000, MemoryError, RecursionError, "please report it"), and
no 6-character piece of any secret written in the case's configuration in any output (lint
messages, SARIF, --diff, --fix reports), stdout or stderr.

Unbounded time shows as the subprocess timeout (a safety net; nothing asserts how long a run
took); unbounded memory as NBX000 or a MemoryError under an address-space limit.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tokenize
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Dict, Iterator, List, NamedTuple, Optional, Sequence, Set, Tuple
from urllib.parse import unquote, urlsplit

import pytest

import flake8_netbox

#: The cases live beside the repository's clone: ../shared/cases/reliability.
CASES = Path(__file__).resolve().parents[2] / "shared" / "cases" / "reliability"
if not CASES.is_dir():
    pytest.skip(f"the reliability cases are not beside the repository ({CASES} is absent)",
                allow_module_level=True)

SCRIPT = Path(sys.executable).with_name("flake8-netbox")
#: Only keeps a regression from hanging the suite: nothing asserts on how long a run took.
SAFETY_TIMEOUT = 600
#: The address space each run of a growth case may use (a normal run of the largest case,
#: branch-alternatives-quadratic, works under 350 MB; the cases' failures used several GB).
ADDRESS_SPACE = 768 * 2 ** 20
PIECE = 6
FINDING = re.compile(r"^(?P<path>[^\n]+?):(?P<row>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) ",
                     re.M)
#: What an internal error looks like in any output.
INTERNAL_ERRORS = ("Traceback (most recent call last)", "please report", "NBX000",
                   "MemoryError", "RecursionError")


class Run(NamedTuple):
    args: Tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: bytes
    #: stdout is the configuration itself (``--fix -``), not a report.
    stdout_is_file: bool

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")

    @property
    def text(self) -> str:
        return (self.out if not self.stdout_is_file else "") + "\n" + self.err

    def findings(self) -> List[Tuple[str, int, str]]:
        """(file name relative to the run's folder, line, code) of every finding printed."""
        return sorted((m["path"][2:] if m["path"].startswith("./") else m["path"],
                       int(m["row"]), m["code"]) for m in FINDING.finditer(self.text))


def _limit_address_space() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


class Case:
    """A case folder copied to ``tmp_path``: its inputs, the runs made on them, and the secrets
    its configurations hold (for the check every run gets)."""

    def __init__(self, name: str, tmp_path: Path) -> None:
        self.name = name
        self.dir = tmp_path / name
        shutil.copytree(CASES / name, self.dir, copy_function=shutil.copyfile)
        os.chmod(self.dir, 0o755)
        self.inputs = {p.name for p in (CASES / name).iterdir() if p.name != "README.txt"}
        self.used: Set[str] = set()
        self.runs: List[Run] = []
        self.secrets: Set[str] = set()
        self.words: List[str] = []

    def input(self, name: str) -> Path:
        assert name in self.inputs, f"{self.name} has no input {name}"
        self.used.add(name)
        return self.dir / name

    def configuration(self, name: str, folder: Optional[str] = None) -> Path:
        """The input ``name`` as configuration.py (in ``folder``, or where it is): the name
        NetBox loads it by, as the cases' README.txt files say to rename variants."""
        data = self.input(name).read_bytes()
        target = self.dir / (folder or ".") / "configuration.py"
        # (a folder named configuration/ would be a container image's configuration folder)
        assert folder != "configuration"
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(data)
        self.watch(target)
        return target

    def watch(self, path: Path) -> None:
        """Every output is searched for the secrets the configuration at ``path`` holds; the
        rest of its text (comments, key names) is the user's own and may be shown."""
        data = path.read_bytes()
        secrets = secret_literals(data)
        self.secrets |= secrets
        self.words.append(user_words(data, secrets))

    def command(self, *args: str, stdin: Optional[bytes] = None, bounded_memory: bool = False,
                stdout_is_file: bool = False) -> Run:
        """The installed flake8-netbox, as a user runs it, in the copy of the folder; with
        ``bounded_memory``, under the ADDRESS_SPACE limit."""
        proc = subprocess.run([str(SCRIPT), *args], cwd=self.dir, input=stdin,
                              capture_output=True, timeout=SAFETY_TIMEOUT,
                              preexec_fn=_limit_address_space if bounded_memory else None)
        run = Run(tuple(args), proc.returncode, proc.stdout, proc.stderr, stdout_is_file)
        self.runs.append(run)
        return run

    def commands(self, *runs: Sequence[str]) -> List[Run]:
        """Several independent runs of the command at once (each in its own process)."""
        with ThreadPoolExecutor(max_workers=len(runs)) as pool:
            return list(pool.map(lambda args: self.command(*args), runs))

    def script(self, name: str, *args: str) -> subprocess.CompletedProcess:
        """Run the case's make.sh (with this flake8-netbox first on PATH) or gen.py, in the
        copy of the folder; a make.sh that runs flake8-netbox is recorded as a run."""
        path = self.input(name)
        if name.endswith(".py"):
            argv = [sys.executable, str(path), *args]
        else:
            if shutil.which("sh") is None:
                pytest.skip("no POSIX shell to run make.sh")
            argv = ["sh", str(path), *args]
        env = dict(os.environ, PATH=os.pathsep.join([str(SCRIPT.parent), os.environ["PATH"]]),
                   PWD=str(self.dir))
        proc = subprocess.run(argv, cwd=self.dir, env=env, capture_output=True,
                              timeout=SAFETY_TIMEOUT)
        if "flake8-netbox" in path.read_text():
            self.runs.append(Run((name, *args), proc.returncode, proc.stdout, proc.stderr,
                                 False))
        return proc


# -- what every output of every case must hold ---------------------------------------------------

ENVIRONMENT_READS = {"get", "getenv", "environ"}
SECRET_NAME = re.compile(r"SECRET|PASSW|PEPPER|TOKEN", re.I)


def _environment_names(tree: ast.AST) -> Set[int]:
    """ids of the string nodes that name an environment variable (not secrets)."""
    names: Set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and (
                (isinstance(node.func, ast.Attribute) and node.func.attr in ENVIRONMENT_READS)
                or (isinstance(node.func, ast.Name) and node.func.id in ENVIRONMENT_READS)):
            names.add(id(node.args[0]))
        elif isinstance(node, ast.Subscript) and "environ" in ast.dump(node.value):
            names.add(id(node.slice))
    return names


def secret_literals(data: bytes) -> Set[str]:
    """The secrets a configuration writes, as the cases' README files call them: every string
    piece of a value bound to a secret-like setting name (SECRET_KEY, *PASSWORD*, *PEPPER*...)
    or under a secret-like dict key (PASSWORD, its misspelling PASSWROD, AWS_SECRET_ACCESS_KEY,
    API_TOKEN_PEPPERS' keys), a key whose value is 'PASSWORD' (key and value swapped), and a
    URL's password. A literal continued over lines or implicitly concatenated is one value
    (each line's pieces are pieces of it). Environment variable names are not secrets."""
    try:
        tree = ast.parse(data.decode(tokenize.detect_encoding(io.BytesIO(data).readline)[0]))
    except SyntaxError:
        return set()
    skip = _environment_names(tree)
    found: Set[str] = set()

    def strings(node: ast.AST) -> Iterator[ast.Constant]:
        for inner in ast.walk(node):
            if isinstance(inner, ast.Constant) and isinstance(inner.value, str) \
                    and id(inner) not in skip:
                yield inner

    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and any(isinstance(t, ast.Name) and SECRET_NAME.search(t.id)
                                              for t in targets):
                found.update(piece.value for piece in strings(node.value))
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    continue
                if SECRET_NAME.search(key.value):
                    found.update(piece.value for piece in strings(value))
                elif isinstance(value, ast.Constant) and isinstance(value.value, str) \
                        and SECRET_NAME.search(value.value):
                    found.add(key.value)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "://" in node.value:
            try:
                password = urlsplit(node.value).password
            except ValueError:
                password = None
            if password:
                found.add(password)
    return {secret for secret in found if len(secret) >= PIECE}


def user_words(data: bytes, secrets: Set[str]) -> str:
    """The configuration's tokens (comments, names, strings) except every string token that
    holds a piece of a secret."""
    pieces = {s[i:i + PIECE] for s in secrets for i in range(len(s) - PIECE + 1)}
    strings = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    try:
        tokens = list(tokenize.tokenize(io.BytesIO(data).readline))
    except (tokenize.TokenError, SyntaxError):
        return ""
    return "\n".join(t.string for t in tokens if t.type not in strings
                     or not any(piece in t.string for piece in pieces))


def _package_text() -> str:
    root = Path(flake8_netbox.__file__).parent
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.py")))


_WORDS: List[str] = []


def allowed(piece: str, case: Case) -> bool:
    """A piece without a digit that flake8-netbox's own source holds ('secret' of
    'Aw5-s3-secret-Lm2', printed in "a secret file"; 'redis-' of 'Hq4-redis-', in the rule
    name redis-layout-of-another-release) is the tool's vocabulary, and one the configuration
    holds outside its secrets ('swappe' of 'Tn5-pepper-swapped-Lw2', in the comment "key and
    value swapped", shown in --diff's context) is the user's: neither is a leak. Any other
    piece must never be printed."""
    if any(character.isdigit() for character in piece):
        return False
    if not _WORDS:
        _WORDS.append(_package_text())
    return piece in _WORDS[0] or any(piece in text for text in case.words)


def assert_promises_kept(case: Case) -> None:
    assert case.runs, "the case ran nothing"
    assert case.used == case.inputs, f"inputs never run: {sorted(case.inputs - case.used)}"
    for run in case.runs:
        for error in INTERNAL_ERRORS:
            assert error not in run.text, (run.args, run.text)
        for secret in case.secrets:
            for start in range(len(secret) - PIECE + 1):
                piece = secret[start:start + PIECE]
                assert allowed(piece, case) or piece not in run.text, (run.args, piece, run.text)


# -- helpers for what the README files call right ------------------------------------------------

def read_python(path: Path) -> Tuple[str, str]:
    """(text, encoding) of a Python file decoded as Python decodes it (coding cookie, BOM)."""
    data = path.read_bytes()
    encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    return data.decode(encoding), encoding


def comments(data: bytes) -> Counter:
    """The multiset of comments of a Python file's bytes, read in its own encoding."""
    tokens = tokenize.tokenize(io.BytesIO(data).readline)
    return Counter(t.string for t in tokens if t.type == tokenize.COMMENT)


def assert_compiles(text: str, path: Path) -> None:
    compile(text, str(path), "exec", dont_inherit=True)
    assert not reuses_an_enclosing_quote(text), f"only Python 3.12+ can parse {path}:\n{text}"


def reuses_an_enclosing_quote(text: str) -> bool:
    """Does a string inside an f-string's braces use the f-string's own quote (valid only on
    Python 3.12+, PEP 701)? Before 3.12, ``compile`` answers this itself (a SyntaxError);
    from 3.12 on, the tokenizer shows the nesting."""
    start = getattr(tokenize, "FSTRING_START", None)
    if start is None:
        return False
    enclosing: List[str] = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == start:
            quote = token.string.lstrip("rRbBfFuU")
            if any(outer in quote for outer in enclosing):
                return True
            enclosing.append(quote)
        elif token.type == tokenize.FSTRING_END:  # type: ignore[attr-defined]
            enclosing.pop()
        elif token.type == tokenize.STRING and enclosing:
            body = token.string.lstrip("rRbBfFuU")
            if any(outer in body for outer in enclosing):
                return True
    return False


def bound_before_use(tree: ast.Module, names: Sequence[str] = ("os", "environ")) -> List[str]:
    """The module-level reads of ``names`` that come before any import binds them (each
    statement's reads are checked before its own bindings count): NameError when loaded."""
    bound: Set[str] = set()
    early = []
    for statement in tree.body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) \
                    and node.id in names and node.id not in bound:
                early.append(f"line {node.lineno}: {node.id}")
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in statement.names)
    return early


def environment_names(tree: ast.AST) -> List[str]:
    return [node.slice.value for node in ast.walk(tree)
            if isinstance(node, ast.Subscript) and "environ" in ast.dump(node.value)
            and isinstance(node.slice, ast.Constant)]


def dict_keys(tree: ast.Module, name: str) -> Dict[str, List[str]]:
    """The literal keys of the dict bound to ``name`` and of each dict inside it."""
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in statement.targets):
            value = statement.value
            keys: Dict[str, List[str]] = {}
            assert isinstance(value, ast.Dict), ast.dump(value)
            keys[""] = [k.value for k in value.keys if isinstance(k, ast.Constant)]
            for key, inner in zip(value.keys, value.values):
                if isinstance(key, ast.Constant) and isinstance(inner, ast.Dict):
                    keys[key.value] = [k.value for k in inner.keys if isinstance(k, ast.Constant)]
            return keys
    raise AssertionError(f"{name} is not bound to a dict")


def variant(name: str) -> str:
    """The folder a variant is run in as configuration.py: 'main' for configuration.py itself,
    'hang' for configuration_hang.py."""
    return Path(name).stem[len("configuration_"):] or "main"


def fixed_lines(text: str) -> List[str]:
    """The report's lines that claim a fix in a file (not the totals line)."""
    return re.findall(r"^\S+\.py: fixed .*$", text, re.M)


def heredoc(script: Path) -> str:
    """The configuration a make.sh writes with cat <<'CFG'."""
    match = re.search(r"<<'CFG'\n(.*?\n)CFG\n", script.read_text(), re.S)
    assert match, script
    return match.group(1)


# -- the cases -----------------------------------------------------------------------------------

CHECKS: Dict[str, Callable[[Case], None]] = {}


def case(function: Callable[[Case], None]) -> Callable[[Case], None]:
    CHECKS[function.__name__.replace("_", "-")] = function
    return function


@case
def branch_alternatives_quadratic(c: Case) -> None:
    generated = c.script("gen.py", "2000")
    (c.dir / "configuration.py").write_bytes(generated.stdout)
    assert generated.stdout.count(b"\n") >= 10000
    run = c.command("configuration.py", bounded_memory=True)
    found = run.findings()
    # The evaluation reaches the end of the file (NBX104: no API_TOKEN_PEPPERS anywhere), and
    # no alternative pairs the task queue's database with the cache's: each block sets both,
    # i and i + 1, so they never collide.
    assert ("configuration.py", 1, "NBX104") in found, run.text
    assert not [f for f in found if f[2] == "NBX201"], run.text
    assert run.returncode == 1


@case
def command_hides_e999_e902(c: Case) -> None:
    c.configuration("configuration.py")
    # The README's E902: a dangling symbolic link and one that points at itself.
    for folder, target in (("dangling", "nowhere.py"), ("loop", "configuration.py")):
        (c.dir / folder).mkdir()
        os.symlink(target, c.dir / folder / "configuration.py")
    run = c.command("configuration.py", "dangling/configuration.py", "loop/configuration.py")
    codes = {(path, code) for path, _, code in run.findings()}
    assert ("configuration.py", "E999") in codes, run.text
    assert {("dangling/configuration.py", "E902"), ("loop/configuration.py", "E902")} <= codes
    assert run.returncode == 1


@case
def cors_regex_redos(c: Case) -> None:
    for name in ("configuration.py", "configuration_hang.py"):
        c.configuration(name, variant(name))
    run = c.command("main/configuration.py", "hang/configuration.py")
    found = run.findings()
    for folder in ("main", "hang"):
        # Every rule ran to the end of the file ...
        assert (f"{folder}/configuration.py", 1, "NBX104") in found, run.text
    # ... and no pattern ends in anything but a literal host name anchored with '$': none
    # lets any origin through.
    assert not [f for f in found if f[2] == "NBX403"], run.text


def _secret_case(c: Case, *expected: Tuple[int, str], readme_diff: bool = True) -> None:
    """The README's command (--diff, or lint), --diff with every kind of fix (more of the file
    in the diff), and lint's messages through SARIF: no output may hold a piece of a secret
    (checked for every run)."""
    c.configuration("configuration.py")
    readme, every, sarif = c.commands(
        ["--diff", "configuration.py"] if readme_diff else ["configuration.py"],
        ["--diff", "--unsafe-fixes", "--upgrade-databases", "configuration.py"],
        ["--format=netbox-sarif", "configuration.py"])
    if readme_diff:
        assert readme.returncode == 1 and readme.out.startswith("--- "), readme.text
    else:
        assert readme.returncode == 1 and readme.findings(), readme.text
    assert every.returncode == 1 and every.out.startswith("--- "), every.text
    results = json.loads(sarif.stdout)["runs"][0]["results"]
    found = {(r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"])
             for r in results}
    assert set(expected) <= found, found


@case
def diff_shows_computed_password(c: Case) -> None:
    _secret_case(c, (6, "NBX301"), (12, "NBX301"))  # README: NBX301 reports both


@case
def diff_shows_multiline_secret_key(c: Case) -> None:
    _secret_case(c, (7, "NBX502"))  # the rename that puts the key in the diff's context


@case
def diff_shows_unmodelled_secrets(c: Case) -> None:
    # README: NBX301 should report the password in each REDIS URL too.
    _secret_case(c, (6, "NBX301"), (9, "NBX301"), (14, "NBX301"))


@case
def message_echoes_dict_keys(c: Case) -> None:
    # The swapped key (NBX504) and the pepper written as a key (NBX302) are still reported.
    _secret_case(c, (5, "NBX504"), (9, "NBX302"), readme_diff=False)


@case
def fifo_hang(c: Case) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    c.script("make.sh")
    fifo = c.dir / "fifo" / "configuration.py"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    # The README's two commands, and lint (which flake8 alone would block in too).
    for args in (["--config-dir", "fifo"], ["--fix", "fifo"], ["fifo"]):
        run = c.command(*args)  # a FIFO without a writer: opening it would block for ever
        assert "fifo/configuration.py: skipped: not a regular file (a FIFO)" in run.text, args
        assert stat.S_ISFIFO(fifo.lstat().st_mode)  # never replaced by a regular file


def _fix_keeps_comments(c: Case, *args: str) -> Tuple[str, bytes]:
    path = c.configuration("configuration.py")
    before = path.read_bytes()
    run = c.command("--fix", *args, "configuration.py")
    after = path.read_bytes()
    assert comments(after) == comments(before), after.decode()
    text, _ = read_python(path)
    assert_compiles(text, path)
    assert after != before, run.text  # fixed, not refused: the README wants the comments kept
    return text, before


@case
def fix_drops_comment_timeout_inline(c: Case) -> None:
    text, _ = _fix_keeps_comments(c, "--netbox-version=4.6")
    assert "DEFAULT_TIMEOUT" not in dict_keys(ast.parse(text), "REDIS")["caching"]
    assert re.search(r"'HOST': 'redis',\s*# five minutes\n", text), text  # on the same line


@case
def fix_drops_comments_parenthesised_redis(c: Case) -> None:
    text, _ = _fix_keeps_comments(c, "--netbox-version=4.6")
    assert {"tasks", "caching"} <= set(dict_keys(ast.parse(text), "REDIS"))
    assert "REDIS = (  # flat layout in parentheses\n" in text


@case
def fix_env_before_late_import_os(c: Case) -> None:
    paths = {name: c.configuration(name, variant(name))
             for name in ("configuration.py", "configuration_from_os.py")}
    before = {name: path.read_bytes() for name, path in paths.items()}
    c.command("--fix", "--unsafe-fixes", *(f"{p.parent.name}/configuration.py"
                                           for p in paths.values()))
    for name, path in paths.items():
        text, _ = read_python(path)
        assert_compiles(text, path)
        tree = ast.parse(text)
        assert not bound_before_use(tree), (bound_before_use(tree), text)
        if path.read_bytes() == before[name]:
            continue  # refused: the README allows it
        # The fixed file loads: run it (the test's own run, with every variable it reads set).
        env = dict(os.environ, **{var: "set-by-test" for var in environment_names(tree)})
        loaded = subprocess.run([sys.executable, "-c", "import runpy, sys; runpy.run_path("
                                 "sys.argv[1])", str(path)], env=env, capture_output=True,
                                text=True, timeout=SAFETY_TIMEOUT)
        assert loaded.returncode == 0, loaded.stderr


@case
def fix_ignores_file_level_noqa(c: Case) -> None:
    path = c.configuration("configuration.py")
    before = path.read_bytes()
    run = c.command("--fix", "configuration.py")
    assert path.read_bytes() == before and run.returncode == 0, run.text
    assert not fixed_lines(run.text), run.text
    # The file is left alone because of its noqa, not because nothing could be fixed.
    c.command("--fix", "--disable-noqa", "configuration.py")
    assert "'caching'" in path.read_text(), path.read_text()


@case
def fix_quotes_inside_fstring(c: Case) -> None:
    path = c.configuration("configuration.py")
    run = c.command("--fix", "--upgrade-databases", "configuration.py")
    text, _ = read_python(path)
    assert_compiles(text, path)  # on the Python running the tests, and before 3.12
    tree = ast.parse(text)
    names = {t.id for s in tree.body if isinstance(s, ast.Assign) for t in s.targets
             if isinstance(t, ast.Name)}
    # The valid rename is not dropped with a refused pass, and a refusal has the right code.
    assert "JOB_RETENTION" in names and "JOBRESULT_RETENTION" not in names, run.text
    assert "not fixed NBX502" not in run.text
    if "DATABASE" in names:  # refused: the report says why, under the upgrade's own name
        assert "not fixed" in run.text and "DATABASE" in run.text, run.text
    else:
        assert "DATABASES" in names, text


@case
def fix_readonly_report_contradicts(c: Case) -> None:
    run_script = c.script("make.sh")  # writes configuration.py, chmod 444, flake8-netbox --fix
    path = c.dir / "configuration.py"
    c.watch(path)
    run = c.runs[-1]
    assert run.returncode == run_script.returncode == 1, run.text
    assert path.read_text() == heredoc(c.input("make.sh"))
    assert not path.stat().st_mode & 0o222
    assert "cannot be written" in run.text and "read or decoded" not in run.text, run.text
    assert not fixed_lines(run.text) and "fixed 0 problems in 0 files" in run.text, run.text
    found = {code for _, _, code in run.findings()}
    assert {"NBX005", "NBX502"} <= found, run.text  # still reported: nothing was fixed


def _fix_standard_input(c: Case, data: bytes) -> Tuple[bytes, Run]:
    run = c.command("--fix", "-", "--stdin-display-name", "configuration.py", stdin=data,
                    stdout_is_file=True)
    assert run.stdout != data and b"'caching'" in run.stdout, run.text
    return run.stdout, run


def _password(data: bytes) -> str:
    """DATABASE's PASSWORD as Python reads the file's bytes."""
    text = data.decode(tokenize.detect_encoding(io.BytesIO(data).readline)[0])
    return [v.value for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Dict)
            for k, v in zip(node.keys, node.values)
            if isinstance(k, ast.Constant) and k.value == "PASSWORD"][0]


@case
def fix_stdin_changes_encoding(c: Case) -> None:
    data = c.configuration("configuration.py").read_bytes()
    text, encoding = read_python(c.dir / "configuration.py")
    assert encoding in ("iso-8859-1", "latin-1")
    fixed, _ = _fix_standard_input(c, data)
    # Written in the input's own encoding: the cookie still holds, the password and every
    # comment read back as they were.
    assert tokenize.detect_encoding(io.BytesIO(fixed).readline)[0] == encoding
    assert _password(fixed) == _password(data) == "contrase\u00f1a"
    assert comments(fixed) == comments(data)
    # The README's second input: the same file in UTF-8 with a BOM (and no cookie).
    bom = "".join(text.splitlines(keepends=True)[1:]).encode("utf-8-sig")
    fixed, _ = _fix_standard_input(c, bom)
    assert fixed.startswith(b"\xef\xbb\xbf"), fixed[:20]
    assert _password(fixed) == "contrase\u00f1a" and comments(fixed) == comments(bom)


@case
def fix_truncates_file_on_encode_error(c: Case) -> None:
    paths = {name: c.configuration(name, variant(name))
             for name in ("configuration.py", "configuration_latin1_y.py")}
    before = {name: path.read_bytes() for name, path in paths.items()}
    run = c.command("--fix", "--unsafe-fixes", *(f"{p.parent.name}/configuration.py"
                                                 for p in paths.values()))
    for name, path in paths.items():
        data = path.read_bytes()
        assert data, f"{name} was truncated: {run.text}"
        text, encoding = read_python(path)  # still decodes in its own (latin-1) encoding
        assert encoding == "iso-8859-1"
        assert_compiles(text, path)
        assert comments(data) == comments(before[name])
        variables = environment_names(ast.parse(text))
        assert all(re.fullmatch(r"[A-Z0-9_]+", v) for v in variables), variables
        claimed = [line for line in fixed_lines(run.text)
                   if line.startswith(f"{path.parent.name}/configuration.py:")]
        if data == before[name]:
            assert not claimed, run.text  # nothing claimed for an unchanged file
        else:
            assert "Tq9vZx4Kp2" not in text and variables, text


@case
def fix_recursionerror_reported_as_bug(c: Case) -> None:
    path = c.configuration("configuration.py")
    before = path.read_bytes()
    linted = c.command("configuration.py")
    fixed = c.command("--fix", "configuration.py")  # after lint: it may change the file
    # The same verdict as lint (a plain note at most), never an internal error (checked for
    # every run); and the file is whole.
    assert fixed.findings() == linted.findings(), (linted.text, fixed.text)
    assert fixed.returncode == linted.returncode, (linted.text, fixed.text)
    if path.read_bytes() != before:
        assert_compiles(read_python(path)[0], path)


@case
def list_self_extend_hang(c: Case) -> None:
    for name in ("configuration.py", "configuration_extend.py"):
        c.configuration(name, variant(name))
    run = c.command("main/configuration.py", "extend/configuration.py",
                    bounded_memory=True)
    found = run.findings()
    assert ("main/configuration.py", 5, "NBX101") in found, run.text  # SECRET_KEY='x'
    for folder in ("main", "extend"):
        assert (f"{folder}/configuration.py", 1, "NBX104") in found, run.text
    assert run.returncode == 1


@case
def many_unknown_names_slow(c: Case) -> None:
    generated = c.script("gen.py", "5000")
    (c.dir / "configuration.py").write_bytes(generated.stdout)
    run = c.command("configuration.py", bounded_memory=True)
    unknown = [line for _, line, code in run.findings() if code == "NBX501"]
    assert unknown == list(range(6, 5006)), run.text[-2000:]  # REDIS_SETTING_0 ... _4999


def _uris(document: dict) -> Set[str]:
    return {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in document["runs"][0]["results"]}


@case
def sarif_uri_not_encoded(c: Case) -> None:
    c.script("make.sh")  # two runs: the relative path, then "$PWD/..."
    run = c.runs[-1]
    c.watch(c.dir / "site #1 %20" / "configuration.py")
    decoder, documents, rest = json.JSONDecoder(), [], run.out.strip()
    while rest:
        document, end = decoder.raw_decode(rest)
        documents.append(document)
        rest = rest[end:].strip()
    assert len(documents) == 2, run.out
    relative, absolute = (_uris(d) for d in documents)
    assert len(relative) == len(absolute) == 1, (relative, absolute)
    uri = relative.pop()
    assert re.fullmatch(r"([A-Za-z0-9\-._~/!$&'()*+,;=:@]|%[0-9A-F]{2})+", uri), uri
    assert unquote(uri) == "site #1 %20/configuration.py"
    parts = urlsplit(absolute.pop())
    assert parts.scheme == "file" and not parts.fragment and not parts.query, parts
    assert Path(unquote(parts.path)) == c.dir / "site #1 %20" / "configuration.py"


@case
def string_doubling_memory(c: Case) -> None:
    names = ("configuration.py", "configuration_list.py", "configuration_replace.py")
    for name in names:
        c.configuration(name, variant(name))
    run = c.command(*(f"{variant(n)}/configuration.py" for n in names), bounded_memory=True)
    found = run.findings()
    assert ("main/configuration.py", 4, "NBX101") in found, run.text  # SECRET_KEY='x'
    for name in names:
        assert (f"{variant(name)}/configuration.py", 1, "NBX104") in found, run.text
    assert run.returncode == 1


@case
def unsafe_fix_drops_comment_in_concatenation(c: Case) -> None:
    text, before = _fix_keeps_comments(c, "--unsafe-fixes")
    for secret in ("Ex1-first-half", "Ex2-second-half", "Sk1-first-part", "Sk2-second-part"):
        assert secret in before.decode() and secret not in text, text


# -- the test --------------------------------------------------------------------------------------

FOLDERS = sorted(p.name for p in CASES.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", sorted(set(FOLDERS) | set(CHECKS)))
def test_reliability_case(name: str, tmp_path: Path) -> None:
    assert name in FOLDERS, f"shared/cases/reliability/{name} is gone"
    assert name in CHECKS, f"shared/cases/reliability/{name} has no regression test here"
    this = Case(name, tmp_path)
    CHECKS[name](this)
    assert_promises_kept(this)
