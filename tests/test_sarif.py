"""--format=netbox-sarif: a level per rule, security severities, help from the rule's own
docs, and artifact URIs that SARIF consumers resolve to the right file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from flake8_netbox.rules import ALL_RULES, BY_CODE
from flake8_netbox.rules.base import ERROR, WARNING

SCRIPT = Path(sys.executable).with_name("flake8-netbox")
CONFIG = ("ALLOWED_HOSTS = ['*']\nDATABASE = {'NAME': 'netbox', 'PASSWORD': 'hunter2-db-pw'}\n"
          "REDIS = {'tasks': {'HOST': 'r', 'DATABASE': 0}, "
          "'caching': {'HOST': 'r', 'DATABASE': 0}}\n"
          "SECRET_KEY = 'short'\nLOGIN_PERSISTENCE = True\n")


def sarif(args, cwd):
    proc = subprocess.run([str(SCRIPT), "--format=netbox-sarif", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)["runs"][0]


def test_every_rule_has_a_level_and_security_rules_a_severity():
    for rule in ALL_RULES:
        assert rule.level in (ERROR, WARNING), rule.code
        if rule.security_severity is not None:
            assert 0.0 < rule.security_severity <= 10.0, rule.code
    # Start-up failures and secrets are errors; hardening, deprecations and typos warnings.
    for code in ("NBX001", "NBX002", "NBX101", "NBX201", "NBX301", "NBX601"):
        assert BY_CODE[code].level == ERROR, code
    for code in ("NBX401", "NBX402", "NBX406", "NBX501", "NBX502", "NBX504", "NBX605"):
        assert BY_CODE[code].level == WARNING, code
    assert BY_CODE["NBX301"].security_severity and BY_CODE["NBX402"].security_severity
    assert BY_CODE["NBX501"].security_severity is None


def test_results_carry_their_rules_level_and_descriptors_help(tmp_path):
    (tmp_path / "configuration.py").write_text(CONFIG)
    run = sarif(["configuration.py"], tmp_path)
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["NBX301"] == "error" and levels["NBX101"] == "error"
    assert levels["NBX402"] == "warning"
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    for result in run["results"]:
        assert rules[result["ruleId"]]["defaultConfiguration"]["level"] == result["level"]
    assert rules["NBX301"]["properties"]["security-severity"] == "7.5"
    assert "security" in rules["NBX301"]["properties"]["tags"]
    assert "properties" not in rules.get("NBX201", {"properties": None}) or \
        rules["NBX201"].get("properties") is None
    help_ = rules["NBX301"]["help"]
    assert help_["markdown"].startswith("## NBX301 `hardcoded-password`")
    assert "**Why is this bad?**" in help_["markdown"] and "**" not in help_["text"]
    assert "hunter2-db-pw" not in json.dumps(run)


def test_start_up_codes_are_errors(tmp_path):
    (tmp_path / "configuration.py").write_text("ALLOWED_HOSTS = [\n")
    run = sarif(["configuration.py"], tmp_path)
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [("E999", "error")]


@pytest.mark.parametrize("absolute", [False, True], ids=["relative", "absolute"])
def test_artifact_uri_is_percent_encoded(tmp_path, absolute):
    # Reconstruction of shared/cases/reliability/sarif-uri-not-encoded.
    folder = tmp_path / "site #1 %20"
    folder.mkdir()
    (folder / "configuration.py").write_text(CONFIG)
    target = str(folder / "configuration.py") if absolute else "site #1 %20/configuration.py"
    run = sarif([target], tmp_path)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"]}
    assert len(uris) == 1
    uri = uris.pop()
    assert " " not in uri and "#" not in uri
    if absolute:
        parts = urlsplit(uri)
        assert parts.scheme == "file" and not parts.fragment
        assert Path(unquote(parts.path)) == folder / "configuration.py"
    else:
        assert uri == "site%20%231%20%2520/configuration.py"
        assert unquote(uri) == target
