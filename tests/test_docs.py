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
