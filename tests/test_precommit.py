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
    (repo / "setup.cfg").write_text("[flake8]\nselect = E,W,F\nnetbox-version = 4.6\n")
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
        (4, "NBX402"), (9, "NBX302"), (24, "NBX201"), (32, "NBX102"), (34, "NBX006"),
        (40, "NBX301"), (42, "NBX006")]
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
