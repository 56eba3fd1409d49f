"""The shipped pre-commit hook, tried for real with `pre-commit try-repo` on this checkout."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"

_BESIDE = Path(sys.executable).with_name("pre-commit")
PRE_COMMIT = str(_BESIDE) if _BESIDE.exists() else shutil.which("pre-commit")

pytestmark = pytest.mark.skipif(PRE_COMMIT is None,
                                reason="pre-commit is not installed (CI installs it)")


@pytest.fixture(scope="module")
def consumer(tmp_path_factory):
    """A consuming repository: one bad and one good configuration, a strict flake8 config."""
    repo = tmp_path_factory.mktemp("consumer")
    (repo / "bad").mkdir()
    (repo / "good").mkdir()
    (repo / "bad" / "configuration.py").write_text((FIXTURES / "netbox35_tasks.py").read_text()
                                                   + "x=1\n")
    (repo / "good" / "configuration.py").write_text((FIXTURES / "clean_46.py").read_text())
    (repo / "old").mkdir()
    (repo / "old" / "configuration.py").write_text(
        (FIXTURES / "upgrade" / "netbox27.py").read_text())
    # The upgraded 2.7 file still lacks API_TOKEN_PEPPERS (NBX104): not what the fix hook does.
    (repo / "setup.cfg").write_text("[flake8]\nselect = E,W,F\nnetbox-version = 4.6\n"
                                    "per-file-ignores = old/configuration.py: NBX104\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")))
    return repo, env


def try_repo(consumer, path, hook="flake8-netbox"):
    repo, env = consumer
    return subprocess.run([PRE_COMMIT, "try-repo", str(ROOT), hook, "--files", path],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=600)


def test_hook_fails_on_the_bad_configuration(consumer):
    proc = try_repo(consumer, "bad/configuration.py")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    found = re.findall(r"^bad/configuration\.py:(\d+):\d+: (NBX\d{3}) ", proc.stdout, re.M)
    assert sorted((int(line), code) for line, code in found) == [
        (1, "NBX104"), (4, "NBX402"), (9, "NBX302"), (24, "NBX201"), (32, "NBX102"),
        (34, "NBX006"), (40, "NBX301"), (42, "NBX006")]
    assert not re.search(r": [EWF]\d{3} ", proc.stdout)  # only NBX, whatever setup.cfg selects


def test_hook_passes_on_the_good_configuration(consumer):
    proc = try_repo(consumer, "good/configuration.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout


def test_fix_hook_rewrites_an_old_configuration(consumer):
    repo, _ = consumer
    proc = try_repo(consumer, "old/configuration.py", hook="flake8-netbox-fix")
    fixed = (repo / "old" / "configuration.py").read_text()
    assert fixed == (FIXTURES / "upgrade" / "netbox27.expected.py").read_text(), proc.stdout
    assert proc.returncode == 1, proc.stdout + proc.stderr  # pre-commit: files were modified
    assert "fixed NBX005 REDIS: section 'webhooks' renamed 'tasks'" in proc.stdout
    again = try_repo(consumer, "old/configuration.py", hook="flake8-netbox-fix")
    assert again.returncode == 0, again.stdout + again.stderr


# -- the README's snippets, run as written --------------------------------------------------------

def _git(*args, cwd):
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c",
           "init.defaultBranch=main", "-c", "advice.detachedHead=false"]
    subprocess.run([*git, *args], cwd=cwd, check=True, capture_output=True)


def _readme_snippet(start: str) -> str:
    text = (ROOT / "README.md").read_text()
    return re.search(r"```yaml\n(" + re.escape(start) + r".*?)```", text, re.S).group(1)


def _project(tmp_path, config: str):
    repo = tmp_path / "consumer"
    (repo / "old" / "configuration").mkdir(parents=True)
    (repo / "bad").mkdir()
    (repo / "bad" / "configuration.py").write_text((FIXTURES / "netbox35_tasks.py").read_text())
    (repo / "old" / "configuration" / "configuration.py").write_text(
        (FIXTURES / "upgrade" / "netbox27.py").read_text())
    (repo / "old" / "configuration" / "extra.py").write_text("PLUGINS.append('x')\n")
    (repo / "setup.cfg").write_text("[flake8]\nselect = E,W,F\nnetbox-version = 4.6\n")
    (repo / ".pre-commit-config.yaml").write_text(config)
    _git("init", "-q", cwd=repo)
    _git("add", "-A", cwd=repo)
    return repo


def _run_all(repo, tmp_path):
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    return subprocess.run([PRE_COMMIT, "run", "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=900)


def test_readme_snippet_as_written(tmp_path):
    from flake8_netbox import __version__

    # This repository as users get it: a clone whose release tag is "v" + the version.
    clone = tmp_path / "flake8-netbox"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    _git("tag", f"v{__version__}", cwd=clone)
    snippet = _readme_snippet("repos:\n")
    assert f"rev: v{__version__}" in snippet
    config = re.sub(r"https://\S+/flake8-netbox", str(clone), snippet)
    repo = _project(tmp_path, config)
    proc = _run_all(repo, tmp_path)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    findings = re.findall(r"^(\S+\.py:\d+:\d+: [A-Z]+\d+ .*)$", out, re.M)
    assert findings and len(findings) == len(set(findings)), out  # no finding printed twice
    assert "bad/configuration.py:40:17: NBX301 " in out
    assert "old/configuration/extra.py:1:1: F821 undefined name 'PLUGINS'" in out
    assert "old/configuration/extra.py: not fixed: NetBox cannot load this file (F821" in out
    assert "fixed NBX005" in out  # the fix hook rewrote the 2.7 file
    assert (repo / "old" / "configuration" / "configuration.py").read_text() == \
        (FIXTURES / "upgrade" / "netbox27.expected.py").read_text()
    assert not re.search(r": [EW]\d{3} ", out)  # the NBX hooks ignore setup.cfg's selection


def test_plain_flake8_hook_with_a_locally_built_wheel(tmp_path):
    import flake8

    pytest.importorskip("setuptools", minversion="77")
    wheels = tmp_path / "wheels"
    code = ("import sys\nfrom setuptools import build_meta\n"
            "print(build_meta.build_wheel(sys.argv[1]))")
    built = subprocess.run([sys.executable, "-c", code, str(wheels)], cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = wheels / built.stdout.strip().splitlines()[-1]
    # A stand-in for https://github.com/PyCQA/flake8 at the snippet's tag: the same hook
    # definition, installing flake8 itself (this machine cannot reach GitHub).
    snippet = _readme_snippet("  - repo: https://github.com/PyCQA/flake8")
    tag = re.search(r"rev: (\S+)", snippet).group(1)
    mirror = tmp_path / "flake8-mirror"
    mirror.mkdir()
    (mirror / ".pre-commit-hooks.yaml").write_text(
        "- id: flake8\n  name: flake8\n  description: '`flake8` is a command-line utility for "
        "enforcing style consistency across Python projects.'\n  entry: flake8\n"
        "  language: python\n  types: [python]\n  require_serial: true\n")
    (mirror / "setup.py").write_text(
        "from setuptools import setup\nsetup(name='flake8-hook-mirror', version='0', "
        f"py_modules=[], install_requires=['flake8=={flake8.__version__}'])\n")
    _git("init", "-q", cwd=mirror)
    _git("add", "-A", cwd=mirror)
    _git("commit", "-q", "-m", "hook", cwd=mirror)
    _git("tag", tag, cwd=mirror)
    config = "repos:\n" + snippet.replace("https://github.com/PyCQA/flake8", str(mirror))
    config = re.sub(r"additional_dependencies: \[.*\]", f"additional_dependencies: ['{wheel}']",
                    config)
    repo = _project(tmp_path, config)
    (repo / "setup.cfg").write_text("[flake8]\nextend-select = NBX, E9, F821\n"
                                    "netbox-version = 4.6\nmax-line-length = 200\n")
    _git("add", "-A", cwd=repo)
    proc = _run_all(repo, tmp_path)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "bad/configuration.py:40:17: NBX301 " in out
    assert "old/configuration/extra.py:1:1: F821 undefined name 'PLUGINS'" in out
