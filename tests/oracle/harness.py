"""The oracle's caller side: a cached virtual environment holding the real NetBox from PyPI, a
fork server running in it, and the plugin's verdict on the same file.

Runs on any supported Python (3.9+); NetBox itself needs 3.12+, found as the current
interpreter, ``python3.13``/``python3.12`` on PATH, or a pyenv version. The environment lives
outside the repository (``$FLAKE8_NETBOX_ORACLE_CACHE``, else ``$XDG_CACHE_HOME`` or
``~/.cache``, then ``flake8-netbox/oracle/netbox-<version>-py<X.Y>``) and is built once per
NetBox release and Python version with ``pip install netbox==<version>``.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

from flake8_netbox.rules.startup import REFUSES, STARTUP_CODES

NETBOX_VERSION = os.environ.get("FLAKE8_NETBOX_ORACLE_NETBOX", "4.7.3")
#: The release the plugin is asked about: the series of NETBOX_VERSION.
PLUGIN_RELEASE = ".".join(NETBOX_VERSION.split(".")[:2])
SERVER = Path(__file__).with_name("netbox_server.py")
#: Seconds one configuration may take before the harness kills it (a harness failure).
TIMEOUT = float(os.environ.get("FLAKE8_NETBOX_ORACLE_TIMEOUT", "60"))


def _version_of(python: str) -> Optional[Tuple[int, int]]:
    try:
        out = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.stdout.split()
    return (int(parts[0]), int(parts[1])) if out.returncode == 0 and len(parts) == 2 else None


def find_python() -> Optional[str]:
    """A Python 3.12+ interpreter for NetBox: the newest found, the current one first."""
    if sys.version_info >= (3, 12):
        return sys.executable
    candidates: List[str] = []
    for name in ("python3.13", "python3.12"):
        found = shutil.which(name)
        if found:
            candidates.append(found)
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(os.path.join(root, "versions", "3.1[2-9]*", "bin",
                                                "python3")), reverse=True)
    best: Optional[Tuple[Tuple[int, int], str]] = None
    for candidate in candidates:
        version = _version_of(candidate)
        if version and version >= (3, 12) and (best is None or version > best[0]):
            best = (version, candidate)
    return best[1] if best else None


def cache_root() -> Path:
    explicit = os.environ.get("FLAKE8_NETBOX_ORACLE_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(base) / "flake8-netbox" / "oracle"


def netbox_environment(python: str) -> Path:
    """The cached virtual environment with ``netbox==NETBOX_VERSION``; built when missing."""
    major, minor = _version_of(python) or (0, 0)
    venv = cache_root() / f"netbox-{NETBOX_VERSION}-py{major}.{minor}"
    marker = venv / ".complete"
    if marker.exists():
        _extras(venv)
        return venv
    if venv.exists():
        shutil.rmtree(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", f"netbox=={NETBOX_VERSION}"], check=True)
    marker.write_text(NETBOX_VERSION + "\n")
    _extras(venv)
    return venv


#: Optional packages a deployment installs for settings the grammar uses: sentry-sdk for
#: SENTRY_ENABLED (NetBox refuses to start without it, whatever the DSN).
EXTRAS = ("sentry-sdk",)


def _extras(venv: Path) -> None:
    marker = venv / ".extras"
    if marker.exists() and marker.read_text().split() == list(EXTRAS):
        return
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", *EXTRAS], check=True)
    marker.write_text(" ".join(EXTRAS) + "\n")


def network_namespace() -> List[str]:
    """``unshare -rn`` (a new user and network namespace: no interface but loopback) when
    this machine allows it; the audit hook in the server guards the network either way."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn"]
    return []


class Verdict(NamedTuple):
    outcome: str  # started | refused | config-raised | timeout | crashed
    exception: str
    message: str
    warnings: List[Tuple[str, str, str]]  # (category, first line, file that warned)
    seconds: float
    raw: dict


class Server:
    """One fork server: NetBox imported once, one forked child per configuration."""

    def __init__(self, python: Optional[str] = None) -> None:
        python = python or find_python()
        if python is None:
            raise RuntimeError("no Python 3.12+ found (NetBox 4.7 needs one)")
        venv = self.venv = netbox_environment(python)
        self.isolated = network_namespace()
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
        self.process = subprocess.Popen(
            [*self.isolated, str(venv / "bin" / "python"), "-I", str(SERVER)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, env=env, cwd=tempfile.gettempdir())
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the NetBox oracle server did not start")
        self.ready = json.loads(line)
        self.root = Path(tempfile.mkdtemp(prefix="flake8-netbox-oracle-"))
        self.count = 0

    def check(self, source: str, env: Optional[Dict[str, str]] = None,
              timeout: float = TIMEOUT) -> Verdict:
        """Load ``source`` as NetBox's configuration module with exactly ``env`` set."""
        self.count += 1
        folder = self.root / f"c{self.count}"
        folder.mkdir()
        module = f"oracle_configuration_{self.count}"
        (folder / f"{module}.py").write_text(source, encoding="utf-8")
        request = {"folder": str(folder), "module": module, "env": env or {},
                   "timeout": timeout}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the NetBox oracle server died")
        raw = json.loads(line)
        shutil.rmtree(folder, ignore_errors=True)
        return Verdict(raw["outcome"], raw.get("exception", ""), raw.get("message", ""),
                       [tuple(w) for w in raw.get("warnings", [])], raw.get("seconds", 0.0),
                       raw)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- the plugin's side ------------------------------------------------------------------------

class Finding(NamedTuple):
    line: int
    code: str
    text: str


#: flake8's own codes for a file NetBox cannot import; with the plugin's STARTUP_CODES whose
#: message says NetBox "refuses to start", they make the plugin's start-up verdict.
FLAKE8_STARTUP = ("E999", "F821", "E902")


def plugin_findings(sources: Sequence[str], release: str = PLUGIN_RELEASE
                    ) -> List[List[Finding]]:
    """flake8 (in this process, as the tests' helpers run it) on each source, named
    configuration.py: every NBX finding plus E999/F821/E902."""
    from flake8.main.cli import main as flake8_main

    out: List[List[Finding]] = []
    with tempfile.TemporaryDirectory(prefix="flake8-netbox-oracle-lint-") as tmp:
        for index, source in enumerate(sources):
            folder = Path(tmp) / f"s{index}"
            folder.mkdir()
            (folder / "configuration.py").write_text(source, encoding="utf-8")
            report = folder / "report.txt"
            old = os.getcwd()
            os.chdir(folder)
            try:
                flake8_main(["--isolated", "--select=NBX,E999,E902,F821",
                             "--extend-select=NBX104", f"--netbox-version={release}",
                             "--format=%(row)d|%(code)s|%(text)s",
                             f"--output-file={report}", "configuration.py"])
            except SystemExit:
                pass
            finally:
                os.chdir(old)
            found = []
            for row in report.read_text(encoding="utf-8").splitlines():
                line, code, text = row.split("|", 2)
                found.append(Finding(int(line), code, text))
            out.append(found)
    return out


def judge(server: "Server", source: str, env: Optional[Dict[str, str]] = None,
          full_env: Optional[Dict[str, str]] = None
          ) -> Tuple[Comparison, Verdict, List[Finding]]:
    """NetBox's verdict on ``source`` with ``env`` against the plugin's findings. When NetBox
    refuses and the plugin says nothing, the file is judged again with ``full_env`` (every
    variable it reads set), then with a usable value for each: agreement there explains the
    first result as a fact of the deployment (a variable unset, or its value)."""
    verdict = server.check(source, env or {})
    (findings,) = plugin_findings([source])
    result = compare(verdict, findings, open_module=is_open(source))
    if not result.agree and full_env is not None and result.kind == "missed-refusal":
        if full_env != (env or {}):
            again = compare(server.check(source, full_env), findings)
            if again.kind == "agree":
                return compare(verdict, findings, env_unset=True), verdict, findings
        usable = {name: plausible(name) for name in full_env}
        if usable and usable != full_env:
            again = compare(server.check(source, usable), findings)
            if again.kind == "agree":
                # the variable's value (a short SECRET_KEY in the environment): a fact of
                # the deployment, which the plugin cannot see
                return (Comparison(True, "explained-environment-value", result.detail),
                        verdict, findings)
    return result, verdict, findings


def is_startup(finding: Finding) -> bool:
    return finding.code in FLAKE8_STARTUP or (
        finding.code in STARTUP_CODES and REFUSES in finding.text)


#: NetBox 4.7.3's warnings about settings (settings.py), and the findings answering each.
WARNING_FINDINGS: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("API_TOKEN_PEPPERS is not defined", ("NBX104",)),
    ("LOGIN_REQUIRED is deprecated and will be removed in NetBox v5.0. Unauthenticated",
     ("NBX404", "NBX502")),
    ("LOGIN_REQUIRED is deprecated", ("NBX502",)),
    ("JINJA2_FILTERS has been renamed", ("NBX502",)),
    ("STORAGE_BACKEND is deprecated", ("NBX502",)),
    ("STORAGE_CONFIG is deprecated", ("NBX502",)),
)


class Comparison(NamedTuple):
    agree: bool
    kind: str  # agree | missed-refusal | false-refusal | missed-warning | harness | explained-*
    detail: str


def is_open(source: str) -> bool:
    """Can the module receive names from elsewhere (star import, globals(), exec...)? The
    plugin then reports nothing missing, by design (the evaluator's own test)."""
    import ast

    from flake8_netbox.evaluator import scan_open_world

    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return scan_open_world(tree, source).open_world


def plausible(variable: str) -> str:
    """A value for an environment variable a fixture reads, usable where it is used."""
    name = variable.upper()
    if re.search(r"PORT|TIMEOUT|DATABASE$|_DB$|SIZE|RETENTION|AGE|UNIT|LIMIT|COUNT", name):
        return "1" if "DATABASE" in name or name.endswith("_DB") else "300"
    if re.search(r"SSL|TLS|DEBUG|ENABLED|SECURE|VERIFY|REQUIRED|MODE|ALLOW|PERSISTENCE", name):
        return "false"
    if "HOSTS" in name:
        return "netbox.example.com"
    return "r9#Kd!2vQx@7LmZp$4wT8nB&c1Hs^6Yf*3Ja(0Ge)5Uo-Wi+Ek=Rl_Vz"


def compare(verdict: Verdict, findings: Iterable[Finding], env_unset: bool = False,
            open_module: bool = False) -> Comparison:
    """Does the plugin's start-up verdict (and its warnings) match what NetBox did?

    ``env_unset``: some variable the file reads was left unset, and with every variable set
    NetBox and the plugin agree. A refusal the plugin does not report is then a fact of the
    deployment the plugin cannot see (the variable's absence), not a disagreement."""
    findings = list(findings)
    startup = [f for f in findings if is_startup(f)]
    if verdict.outcome in ("timeout", "crashed") or verdict.raw.get("sandbox"):
        return Comparison(False, "harness", f"{verdict.outcome}: {verdict.exception} "
                                            f"{verdict.message}")
    refused = verdict.outcome in ("refused", "config-raised")
    if refused and not startup:
        if env_unset:
            return Comparison(True, "explained-unset-variable",
                              f"{verdict.exception} {verdict.message}")
        if verdict.outcome == "config-raised" and verdict.exception in (
                "FileNotFoundError", "PermissionError", "IsADirectoryError"):
            # a secret file of the deployment (/run/secrets/..., /var/lib/...): the plugin
            # never opens other files, and the sandbox has none of them
            return Comparison(True, "explained-deployment-file",
                              f"{verdict.exception} {verdict.message}")
        if open_module:
            return Comparison(True, "explained-open-module",
                              f"{verdict.exception} {verdict.message}")
        return Comparison(False, "missed-refusal", f"{verdict.outcome}: {verdict.exception}: "
                                                   f"{verdict.message}")
    if startup and not refused:
        return Comparison(False, "false-refusal", "; ".join(f"{f.code} {f.text}"
                                                            for f in startup))
    if not refused:
        codes = {f.code for f in findings}
        for category, message, _where in verdict.warnings:
            for prefix, answers in WARNING_FINDINGS:
                if message.startswith(prefix):
                    if not codes & set(answers):
                        return Comparison(False, "missed-warning", message)
                    break
            else:
                if _where in ("settings.py", "settings_utils.py"):
                    return Comparison(False, "unmapped-warning", message)
    return Comparison(True, "agree", verdict.outcome)
