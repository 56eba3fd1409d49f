"""The flake8-netbox command, run as users run it (console script and python -m)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_netbox import docs
from flake8_netbox.rules import ALL_RULES
from helpers import parse

FIXTURES = Path(__file__).parent / "fixtures"
SCRIPT = Path(sys.executable).with_name("flake8-netbox")
BAD = (FIXTURES / "netbox35_tasks.py").read_text()
_FOUND = [(4, "NBX402"), (9, "NBX302"), (24, "NBX201"), (32, "NBX102"), (34, "NBX006"),
          (40, "NBX301"), (42, "NBX006")]
#: At the default release (4.5+) the file also lacks API_TOKEN_PEPPERS (NBX104 on line 1); at
#: 3.5 it lacks LOGIN_REQUIRED, whose default there is False (NBX404 on line 1).
EXPECTED = sorted(_FOUND + [(1, "NBX104")])
EXPECTED_35 = sorted(_FOUND + [(1, "NBX404")])
PASSWORD_LINE = "    'PASSWORD': 'smtp-secret-value',  # NBX301"


def run(args, cwd, stdin=None, module=False):
    argv = [sys.executable, "-m", "flake8_netbox"] if module else [str(SCRIPT)]
    return subprocess.run([*argv, *args], cwd=cwd, input=stdin, capture_output=True, text=True,
                          timeout=120)


def codes(output):
    return sorted((r.row, r.code) for r in parse(output))


@pytest.mark.parametrize("module", [False, True], ids=["console-script", "python-m"])
def test_lints_a_directory_recursively(module, tmp_path):
    (tmp_path / "site" / "a").mkdir(parents=True)
    (tmp_path / "site" / "a" / "configuration.py").write_text(BAD)
    (tmp_path / "site" / "a" / "views.py").write_text("import os\nx=1\n")  # E225, F401: hidden
    proc = run([], tmp_path, module=module)
    assert proc.returncode == 1, proc.stderr
    assert codes(proc.stdout) == EXPECTED
    assert {r.path for r in parse(proc.stdout)} == {"./site/a/configuration.py"}


def test_clean_directory_exits_zero(tmp_path):
    (tmp_path / "configuration.py").write_text((FIXTURES / "clean_46.py").read_text())
    proc = run(["."], tmp_path)
    assert (proc.returncode, proc.stdout) == (0, "")


def test_named_file_is_checked_whatever_its_name(tmp_path):
    (tmp_path / "netbox_prod.py").write_text(BAD)
    (tmp_path / "settings.py").write_text("ALLOWED_HOSTS = []\nSECRET_KEY = 'x'\n")
    proc = run(["netbox_prod.py"], tmp_path)
    assert codes(proc.stdout) == _FOUND  # one file named on the command line: no line-1 findings
    assert run(["."], tmp_path).stdout == ""  # not named configuration.py: not searched


def test_only_nbx_codes_whatever_the_project_selects(tmp_path):
    (tmp_path / "configuration.py").write_text(BAD + "x=1\n")
    (tmp_path / "setup.cfg").write_text("[flake8]\nselect = E,W,F\nextend-select = E225\n"
                                        "netbox-version = 3.5\n")
    proc = run(["configuration.py"], tmp_path)
    assert codes(proc.stdout) == EXPECTED_35


def test_opt_in_codes_from_the_project_config_are_kept(tmp_path):
    (tmp_path / "configuration.py").write_text(BAD)
    (tmp_path / "setup.cfg").write_text("[flake8]\nextend-select = B950, NBX303\n"
                                        "netbox-version = 3.5\n")
    assert codes(run([], tmp_path).stdout) == sorted(EXPECTED_35 + [(32, "NBX303")])
    (tmp_path / "setup.cfg").write_text("[flake8]\nnetbox-version = 3.5\n")
    assert codes(run([], tmp_path).stdout) == EXPECTED_35
    assert codes(run(["--extend-select=NBX303"], tmp_path).stdout) == \
        sorted(EXPECTED_35 + [(32, "NBX303")])


def test_project_netbox_options_apply(tmp_path):
    (tmp_path / "configuration.py").write_text((FIXTURES / "netbox26_flat.py").read_text())
    (tmp_path / "tox.ini").write_text("[flake8]\nnetbox-version = 2.6\n")
    assert {r.code for r in parse(run([], tmp_path).stdout)} == {"NBX201", "NBX301", "NBX404"}
    proc = run(["--netbox-version", "4.6"], tmp_path)
    assert "NBX005" in {r.code for r in parse(proc.stdout)}


def test_stdin_with_display_name(tmp_path):
    proc = run(["-", "--stdin-display-name", "configuration.py"], tmp_path, stdin=BAD)
    assert codes(proc.stdout) == EXPECTED


@pytest.mark.parametrize("args", [["--netbox-version", "8.0"], ["--no-such-option"],
                                  ["--explain"], ["--explain", "NBX999"]])
def test_usage_errors_exit_two(args, tmp_path):
    proc = run(args, tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_default_output_has_no_source_lines(tmp_path):
    (tmp_path / "configuration.py").write_text(BAD)
    (tmp_path / "setup.cfg").write_text("[flake8]\nshow-source = true\n")
    proc = run([], tmp_path)
    assert "smtp-secret-value" not in proc.stdout
    # Asked for on the command line, flake8 shows the line, secret included (documented).
    shown = run(["--show-source"], tmp_path)
    assert PASSWORD_LINE in shown.stdout


def test_output_file_and_format(tmp_path):
    (tmp_path / "configuration.py").write_text(BAD)
    proc = run(["--format=pylint", "--output-file=out.txt"], tmp_path)
    assert proc.returncode == 1 and proc.stdout == ""
    text = (tmp_path / "out.txt").read_text()
    assert re.search(r"^\./configuration\.py:40: \[NBX301\] ", text, re.M)


def test_explain_prints_the_rule_reference_text():
    proc = run(["--explain", "nbx201"], Path.cwd())
    assert proc.returncode == 0
    rule = {r.code: r for r in ALL_RULES}["NBX201"]
    assert proc.stdout == docs.explain_text(rule)
    reference = (Path(__file__).parent.parent / "docs" / "rules.md").read_text()
    assert docs.explain(rule).strip() in reference
    # Plain terminal text: no Markdown emphasis, links, anchors or fences.
    for markdown in ("**", "](", "(#", "```", "`"):
        assert markdown not in proc.stdout, markdown
    assert proc.stdout.startswith("NBX201 redis-queue-and-cache-share-a-database\n")
    assert rule.why.split(".")[0] in " ".join(proc.stdout.split())


def test_list_rules():
    proc = run(["--list-rules"], Path.cwd())
    header, *lines = proc.stdout.splitlines()
    assert header.split()[:3] == ["code", "name", "fix"]
    assert [line.split()[0] for line in lines] == [rule.code for rule in ALL_RULES]
    assert all(rule.name in proc.stdout for rule in ALL_RULES)
    by_code = {line.split()[0]: line.split() for line in lines}
    assert by_code["NBX005"][2] == "--fix" and by_code["NBX001"][2] == "-"
    assert by_code["NBX101"][2:4] == ["--fix", "--unsafe-fixes"]


GITHUB = "::error file=%(path)s,line=%(row)d,col=%(col)d::%(code)s %(text)s"


def test_github_actions_format(tmp_path):
    (tmp_path / "configuration.py").write_text(BAD)
    proc = run([f"--format={GITHUB}", "configuration.py"], tmp_path)
    lines = proc.stdout.splitlines()
    assert len(lines) == len(EXPECTED)
    for line, (row, code) in zip(lines, EXPECTED):
        assert re.fullmatch(rf"::error file=configuration\.py,line={row},col=\d+::{code} .+", line)


def test_sarif_has_the_schemas_required_fields_and_no_source(tmp_path):
    (tmp_path / "configuration.py").write_text(BAD)
    proc = run(["--format=netbox-sarif", "--show-source"], tmp_path)
    assert proc.returncode == 1
    log = json.loads(proc.stdout)
    assert "smtp-secret-value" not in proc.stdout and "snippet" not in proc.stdout
    assert log["version"] == "2.1.0" and isinstance(log["runs"], list) and log["$schema"]
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "flake8-netbox"
    rules = driver["rules"]
    assert all(isinstance(rule["id"], str) for rule in rules)
    results = run_["results"]
    assert sorted((r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"])
                  for r in results) == EXPECTED
    for result in results:
        assert result["message"]["text"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("none", "note", "warning", "error")
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "configuration.py"
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1


def test_sarif_without_findings_is_valid_json(tmp_path):
    (tmp_path / "configuration.py").write_text((FIXTURES / "clean_46.py").read_text())
    proc = run(["--format=netbox-sarif"], tmp_path)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["runs"][0]["results"] == []


def test_script_is_installed():
    assert SCRIPT.exists() or os.name == "nt"
