"""--format=netbox-gitlab and --format=netbox-jsonl: CI formats that never carry source text
(the third-party formatters hash or copy the reported line, which may be the secret)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("flake8-netbox")
PASSWORD = "hunter2-db-pw"
CONFIG = (f"ALLOWED_HOSTS = ['*']\nDATABASE = {{'NAME': 'netbox', 'PASSWORD': '{PASSWORD}'}}\n"
          "REDIS = {'tasks': {'HOST': 'r', 'DATABASE': 0}, "
          "'caching': {'HOST': 'r', 'DATABASE': 1}}\n"
          "SECRET_KEY = 'shortsecretvalue'\n")


def output(fmt, cwd, source=CONFIG):
    (cwd / "configuration.py").write_text(source)
    proc = subprocess.run([str(SCRIPT), f"--format={fmt}", "configuration.py"], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    for secret in (PASSWORD, "shortsecretvalue"):
        assert secret not in proc.stdout + proc.stderr
    return proc.stdout


def test_gitlab_code_quality(tmp_path):
    issues = json.loads(output("netbox-gitlab", tmp_path))
    assert isinstance(issues, list)
    by_code = {issue["check_name"]: issue for issue in issues}
    assert set(by_code) == {"NBX101", "NBX104", "NBX301", "NBX402"}  # NBX104: no peppers
    for issue in issues:  # the fields GitLab requires
        assert issue["type"] == "issue" and issue["description"].startswith(issue["check_name"])
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["path"] == "configuration.py"
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert len(issue["fingerprint"]) == 64
    assert by_code["NBX301"]["severity"] == "critical"
    assert by_code["NBX402"]["severity"] == "minor"
    # A fingerprint follows the finding, not its line, and not the line's text.
    moved = json.loads(output("netbox-gitlab", tmp_path, "# a comment above\n" + CONFIG))
    assert {i["fingerprint"] for i in moved} == {i["fingerprint"] for i in issues}
    other = json.loads(output("netbox-gitlab", tmp_path,
                              CONFIG.replace(PASSWORD, "another-db-password")))
    assert {i["fingerprint"] for i in other} == {i["fingerprint"] for i in issues}


def test_start_up_failure_is_a_blocker(tmp_path):
    issues = json.loads(output("netbox-gitlab", tmp_path, "ALLOWED_HOSTS = [\n"))
    assert [(i["check_name"], i["severity"]) for i in issues] == [("E999", "blocker")]


def test_json_lines(tmp_path):
    lines = output("netbox-jsonl", tmp_path).splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["line"], r["code"], r["level"]) for r in records] == [
        (1, "NBX104", "warning"), (1, "NBX402", "warning"), (2, "NBX301", "error"),
        (4, "NBX101", "error")]
    assert all(set(r) == {"path", "line", "column", "code", "message", "level"}
               for r in records)
