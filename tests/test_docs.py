"""docs/rules.md and docs/fixes.md are generated from the rules and fixes; they must be current."""

import re
from pathlib import Path

import pytest

from flake8_netbox import docs
from flake8_netbox.rules import ALL_RULES

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"


@pytest.mark.parametrize("name", ["rules.md", "fixes.md"])
def test_generated_pages_are_current(name):
    expected = docs.pages(ROOT)[DOCS / name]
    assert (DOCS / name).read_text(encoding="utf-8") == expected, \
        f"docs/{name} is stale: run {docs.COMMAND}"


def test_every_code_is_in_the_one_table_of_rules():
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    for rule in ALL_RULES:
        assert re.search(rf"^\| \[{rule.code}\]\(#{rule.code.lower()}-{rule.name}\) \|", text,
                         re.M), rule.code
        assert f"## {rule.code} `{rule.name}`" in text


def test_the_readme_has_no_rule_table_of_its_own():
    text = README.read_text(encoding="utf-8")
    assert not re.search(r"^\| *\[?NBX\d{3}", text, re.M), "rules are listed in docs/rules.md"
    for page in ("docs/rules.md", "docs/fixes.md", "docs/performance.md", "docs/reliability.md"):
        assert f"]({page})" in text and (ROOT / page).exists(), page


def test_fix_column_names_the_flags():
    assert docs.fix_flags("NBX005") == ["--fix"]
    assert docs.fix_flags("NBX101") == ["--fix --unsafe-fixes"]
    assert docs.fix_flags("NBX001") == []


def test_repository_passes_its_own_flake8_configuration():
    import subprocess
    import sys

    root = README.parent
    proc = subprocess.run([sys.executable, "-m", "flake8", "flake8_netbox", "tests", "bench",
                           "fuzz", "tools"], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_readme_upgrade_example_is_what_fix_writes():
    import re

    from flake8_netbox.fixer import fix_source
    from flake8_netbox.releases import parse_release

    text = README.read_text(encoding="utf-8")
    section = text[text.index("A NetBox 2.6 file, before:"):]
    before, after = re.findall(r"```python\n(.*?)```", section, re.S)[:2]
    result = fix_source(before, parse_release("4.6"))
    assert result.source == after
    said = re.sub(r"\s+", " ", section[:section.index("findings that remain")])
    for change in result.changes:
        assert f"fixed {change.code} {change.summary}" in said


def test_readme_example_output_is_what_flake8_prints():
    import subprocess
    import sys

    text = README.read_text(encoding="utf-8")
    command = ".venv/bin/flake8 --select NBX examples/configuration.py"
    assert command in text
    shown = re.search(r"The first command prints.*?```text\n(.*?)```", text, re.S).group(1)
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "NBX",
                           "examples/configuration.py"], cwd=ROOT, capture_output=True,
                          text=True)
    assert proc.stdout == shown


def test_readme_first_screen_lets_an_admin_act():
    from flake8_netbox.netbox import DEFAULT_RELEASE

    text = README.read_text(encoding="utf-8")
    first = text[:text.index("## Working on flake8-netbox")]
    for needed in ("pipx install flake8-netbox", "pip install flake8-netbox",
                   "flake8-netbox /", "- id: flake8-netbox", "--netbox-version",
                   f"**NetBox {DEFAULT_RELEASE}**"):
        assert needed in first, needed
    # CI runs the README's test command.
    assert "\n.venv/bin/python -m pytest\n" in text
    assert '"$venv/bin/python" -m pytest' in (ROOT / ".ci" / "run").read_text()


def test_readme_snippet_tag_is_the_package_version():
    from flake8_netbox import __version__

    text = README.read_text(encoding="utf-8")
    snippet = re.search(r"```yaml\n(repos:\n.*?)```", text, re.S).group(1)
    assert re.search(rf"^\s+rev: v{re.escape(__version__)}\b", snippet, re.M), snippet
    pinned = re.findall(r"flake8-netbox==([\d.]+)", text)
    assert pinned and set(pinned) == {__version__}
