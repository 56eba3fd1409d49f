"""The README's rule reference is generated from the rules; it must be current."""

from pathlib import Path

from flake8_netbox import docs
from flake8_netbox.rules import ALL_RULES

README = Path(__file__).parent.parent / "README.md"


def test_readme_rule_reference_is_current():
    text = README.read_text(encoding="utf-8")
    assert docs.reference() in text, "run: python -m flake8_netbox.docs --readme"


def test_every_code_is_in_the_readme_summary_table():
    text = README.read_text(encoding="utf-8")
    for rule in ALL_RULES:
        assert f"| {rule.code} |" in text


def test_repository_passes_its_own_flake8_configuration():
    import subprocess
    import sys

    root = README.parent
    proc = subprocess.run([sys.executable, "-m", "flake8", "flake8_netbox", "tests", "bench",
                           "fuzz", "tools"], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_readme_fix_reference_is_current():
    text = README.read_text(encoding="utf-8")
    assert docs.fix_reference() in text, "run: python -m flake8_netbox.docs --readme"


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
