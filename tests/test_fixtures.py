"""Whole configuration files, one per layout and release family, linted by real flake8.

Each fixture marks the lines it expects a finding on with a trailing ``# NBXnnn`` comment;
every other line must stay silent.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from helpers import expected_markers, flake8_subprocess, lint

FIXTURES = Path(__file__).parent / "fixtures"

CASES = {
    "netbox26_flat.py": "2.6",
    "netbox27_webhooks.py": "2.7.5",
    "netbox35_tasks.py": "3.5",
    "netbox46_databases.py": "4.6",
    "container_env.py": "4.6",
    "placeholder_example.py": "4.6",
    "open_world.py": "4.6",
    "helm_globals.py": "4.6",
    "unrelated_configuration.py": "4.6",
    "clean_46.py": "4.6",
    "netbox_example_46.py": "4.6",
    "netbox_example_37.py": "3.7",
    "nixos_generated_42.py": "4.2",
}


@pytest.mark.parametrize("fixture, version", sorted(CASES.items()))
def test_fixture_findings_match_markers(fixture, version, tmp_path):
    source = (FIXTURES / fixture).read_text(encoding="utf-8")
    # every default rule, NBX104 (no API_TOKEN_PEPPERS) included: fixtures are whole files
    results = lint(source, tmp_path, f"--netbox-version={version}", "--select=NBX,NBX104")
    assert Counter((r.row, r.code) for r in results) == Counter(expected_markers(source)), results


def test_container_file_driven_by_environment_passes_the_core_rules(tmp_path):
    source = (FIXTURES / "container_env.py").read_text(encoding="utf-8")
    assert lint(source, tmp_path, "--select=NBX0,NBX1,NBX2,NBX3") == []


def test_clean_file_is_clean_even_with_opt_in_rules(tmp_path):
    source = (FIXTURES / "clean_46.py").read_text(encoding="utf-8")
    assert lint(source, tmp_path, "--extend-select=NBX303,NBX407") == []


@pytest.mark.parametrize("fixture", ["open_world.py", "helm_globals.py"])
def test_open_world_files_get_no_missing_findings(fixture, tmp_path):
    source = (FIXTURES / fixture).read_text(encoding="utf-8")
    codes = {r.code for r in lint(source, tmp_path)}
    assert not codes & {"NBX001", "NBX003"}


def test_same_file_without_star_import_is_reported(tmp_path):
    source = (FIXTURES / "open_world.py").read_text(encoding="utf-8")
    closed = source.replace("from .base import *", "import base")
    codes = Counter(r.code for r in lint(closed, tmp_path))
    assert codes["NBX001"] == 1  # SECRET_KEY
    assert codes["NBX003"] == 2  # REDIS['caching'], DATABASE['NAME']


def test_syntax_error_is_flake8s_e999_and_no_crash(tmp_path):
    (tmp_path / "configuration.py").write_text((FIXTURES / "syntax_error.py").read_text())
    proc = flake8_subprocess(["configuration.py"], tmp_path)
    assert "Traceback" not in proc.stderr
    assert "E999" in proc.stdout
    assert "NBX" not in proc.stdout


def test_placeholder_file_gets_exactly_key_and_hosts(tmp_path):
    source = (FIXTURES / "placeholder_example.py").read_text(encoding="utf-8")
    assert sorted(r.code for r in lint(source, tmp_path)) == ["NBX004", "NBX101"]
