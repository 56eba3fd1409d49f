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
