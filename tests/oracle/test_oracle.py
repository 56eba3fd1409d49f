"""The plugin against the real NetBox 4.7.3 (issue 12, items 5 and 6).

For every fixture, every rule example and a seeded sample of generated configurations:
NetBox refuses to start exactly when the plugin reports a start-up finding at
``--netbox-version 4.7``, and every warning NetBox gives about a setting has its finding.
NetBox comes from PyPI into a cached virtual environment (see harness.py); without a Python
3.12+ on the machine these tests are skipped, saying so.
"""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings

from flake8_netbox.rules import ALL_RULES
from flake8_netbox.rules.base import examples
from helpers import as_configuration
from oracle.grammar import configurations
from oracle.harness import (PLUGIN_RELEASE, Server, compare, find_python, is_startup, judge,
                            plausible)

FIXTURES = Path(__file__).parent.parent / "fixtures"
#: Generated configurations per run (the campaign script runs thousands).
EXAMPLES = int(os.environ.get("NBX_ORACLE_EXAMPLES", "120"))
SEED = int(os.environ.get("NBX_ORACLE_SEED", "20261130"))


@pytest.fixture(scope="module")
def server():
    if find_python() is None:
        pytest.skip("no Python 3.12+ on this machine (python3.13, python3.12 or pyenv): "
                    "NetBox 4.7 cannot run, so the oracle cannot either")
    with Server() as running:
        yield running


def _variables(source):
    return sorted(set(re.findall(r"""environ(?:\.get)?[\[(]\s*['"]([A-Z0-9_]+)['"]""", source)
                      + re.findall(r"""getenv\(\s*['"]([A-Z0-9_]+)['"]""", source)))


#: Fixtures that are no NetBox configuration module on their own: the plugin gives them no
#: start-up verdict by design, and NetBox never loads them as NETBOX_CONFIGURATION.
NOT_A_CONFIGURATION = {
    "container_layout/configuration/extra.py": "a part of a split configuration",
    "container_layout/configuration/logging.py": "a part of a split configuration",
    "container_layout/configuration/plugins.py": "a part of a split configuration",
    "container_layout/configuration/ldap/ldap_config.py": "LDAP settings, not configuration.py",
    "unrelated_configuration.py": "another application's configuration.py",
}


def _fixtures():
    paths = sorted(Path(p) for p in glob.glob(str(FIXTURES / "**" / "*.py"), recursive=True))
    return [p for p in paths if str(p.relative_to(FIXTURES)) not in NOT_A_CONFIGURATION]


@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture(server, path):
    source = path.read_text(encoding="utf-8")
    variables = _variables(source)
    full = {name: plausible(name) for name in variables}
    for env in ([{}, full] if variables else [{}]):  # every variable unset, then all set
        result, verdict, findings = judge(server, source, env, full)
        assert result.agree, (result, verdict.raw, findings)


RULE_EXAMPLES = [
    pytest.param(example, id=f"{rule.code}-{kind}-{index}")
    for rule in ALL_RULES
    for kind in ("valid", "invalid")
    for index, example in enumerate(examples(getattr(rule, kind)))
    if example.filename == "configuration.py"
]


def test_rule_examples(server):
    """Every rule example (as the rule tests run it) that targets this release or the
    default: judged by NetBox and by the plugin at 4.7."""
    failures = []
    for param in RULE_EXAMPLES:
        (example,) = param.values
        source, _ = as_configuration(example.code, example.filename)
        full = {name: plausible(name) for name in _variables(source)}
        result, verdict, findings = judge(server, source, {}, full)
        if not result.agree:
            failures.append((param.id, result, verdict.raw, findings))
    assert not failures, failures


def test_generated_configurations(server):
    drawn = []

    @seed(SEED)
    @settings(max_examples=EXAMPLES, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(configurations())
    def collect(config):
        drawn.append(config)

    collect()
    assert len(drawn) >= EXAMPLES // 2
    failures = []
    for config in drawn:
        result, verdict, findings = judge(server, config.source, config.env, config.full_env)
        if not result.agree:
            failures.append((config.parts, result, verdict.raw))
    assert not failures, failures


def test_netbox_example_configuration(server):
    """NetBox's own configuration_example.py, read from the installed wheel: NetBox refuses
    it as shipped (SECRET_KEY is ''), and the plugin says exactly what the README says."""
    (path,) = glob.glob(str(server.venv / "lib" / "python3.*" / "site-packages" / "netbox" /
                            "configuration_example.py"))
    source = Path(path).read_text(encoding="utf-8")
    result, verdict, findings = judge(server, source)
    assert result.agree, (result, verdict.raw, findings)
    assert verdict.outcome == "refused" and "SECRET_KEY" in verdict.message
    codes = sorted(f.code for f in findings)
    # The README's claim ("What NetBox's example configuration gets"), on the real file:
    assert codes == ["NBX004", "NBX101", "NBX104", "NBX406"], findings
    assert [f.code for f in findings if is_startup(f)] == ["NBX101"]


# -- the harness itself (item 6) ---------------------------------------------------------------

def test_a_hanging_configuration_is_a_harness_failure(server):
    verdict = server.check("while True:\n    pass\n", timeout=5)
    assert verdict.outcome == "timeout"
    assert compare(verdict, []).kind == "harness"
    assert server.check("ALLOWED_HOSTS = []\n").outcome == "refused"  # the server goes on


def test_a_configuration_cannot_reach_the_network(server):
    verdict = server.check("import socket\nsocket.create_connection(('192.0.2.1', 80), 3)\n")
    assert verdict.outcome == "config-raised" and verdict.raw["sandbox"], verdict.raw
    assert compare(verdict, []).kind == "harness"


def test_a_configuration_cannot_write_outside_its_folder(server, tmp_path):
    target = tmp_path / "escaped.txt"
    verdict = server.check(f"open({str(target)!r}, 'w').write('x')\n")
    assert verdict.outcome == "config-raised" and verdict.raw["sandbox"], verdict.raw
    assert not target.exists()
    verdict = server.check("import subprocess\nsubprocess.run(['true'])\n")
    assert verdict.raw["sandbox"], verdict.raw


def test_the_environment_is_exactly_the_requests(server):
    source = ("import os\nassert set(os.environ) <= {'ONLY', 'HOME', 'NETBOX_ROOT', 'TMPDIR', "
              "'NETBOX_CONFIGURATION', 'DJANGO_SETTINGS_MODULE'}, sorted(os.environ)\n"
              "assert os.environ['HOME'] == os.getcwd()\n")
    verdict = server.check(source, {"ONLY": "1"})
    assert verdict.exception != "AssertionError", verdict.raw


def test_plugin_release_is_the_oracles():
    assert PLUGIN_RELEASE == "4.7"
