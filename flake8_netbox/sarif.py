"""``--format=netbox-sarif``: SARIF 2.1.0 for code-scanning dashboards, without source snippets.

The existing flake8 SARIF formatters either copy each reported line into the log (a password
line would be uploaded with it) or fetch rule data from the web at start-up. flake8 imports
every formatter at start-up, so this module imports only what flake8 has already loaded.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional
from urllib.parse import quote

from flake8.formatting.base import BaseFormatter

from flake8_netbox import __version__

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


class SourceFreeFormatter(BaseFormatter):
    """A formatter that never writes source lines (they may hold secrets), statistics or
    benchmarks: the base of every formatter this package ships."""

    def show_source(self, error: Any) -> Optional[str]:
        return None

    def show_statistics(self, statistics: Any) -> None:
        pass

    def show_benchmarks(self, benchmarks: Any) -> None:
        pass


class SarifFormatter(SourceFreeFormatter):
    """Collects every violation and writes one SARIF log when flake8 stops."""

    def after_init(self) -> None:
        self.results: List[Dict[str, Any]] = []
        self.codes: List[str] = []

    def handle(self, error: Any) -> None:
        if error.code not in self.codes:
            self.codes.append(error.code)
        region = {"startLine": max(int(error.line_number or 1), 1)}
        if error.column_number:
            region["startColumn"] = int(error.column_number)
        self.results.append({
            "ruleId": error.code,
            "ruleIndex": self.codes.index(error.code),
            "level": level(error.code),
            "message": {"text": error.text},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(error.filename)},
                "region": region,
            }}],
        })

    def format(self, error: Any) -> Optional[str]:
        return None  # everything is written by stop()

    def stop(self) -> None:
        import json

        log = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "flake8-netbox",
                    "version": __version__,
                    "rules": [_rule(code) for code in self.codes],
                }},
                "columnKind": "unicodeCodePoints",
                "results": self.results,
            }],
        }
        self._write(json.dumps(log, indent=2))
        super().stop()


#: Codes of flake8 itself and pyflakes that mean NetBox cannot load the file.
STARTUP_CODES = ("E999", "E902", "F821")


def level(code: str) -> str:
    """SARIF result level: the rule's own (Rule.level); "error" for NBX000 and the start-up
    codes (E999, E902, F821); "warning" for any other plugin's code."""
    if code.startswith("NBX"):
        from flake8_netbox.rules import BY_CODE

        rule = BY_CODE.get(code)
        return rule.level if rule is not None else "error"  # NBX000: the plugin failed
    return "error" if code in STARTUP_CODES else "warning"


def artifact_uri(filename: str) -> str:
    """RFC 3986 URI reference for a reported path: an absolute path as a file:// URI, a
    relative one percent-encoded (spaces, '#', '%', non-ASCII and non-UTF-8 bytes), with '/'
    separators and no leading './'."""
    import os
    from pathlib import Path, PurePosixPath, PureWindowsPath

    if os.path.isabs(filename):
        return Path(filename).as_uri()
    parts = PureWindowsPath(filename).parts if os.sep == "\\" else PurePosixPath(filename).parts
    # Bytes, as the file system holds them: a name that is not UTF-8 (a surrogate escape in
    # Python's str) is percent-encoded byte for byte, as Path.as_uri() does for absolute ones.
    return quote(os.fsencode("/".join(part for part in parts if part != ".")), safe="/")


def _rule(code: str) -> Dict[str, Any]:
    descriptor: Dict[str, Any] = {"id": code,
                                  "defaultConfiguration": {"level": level(code)}}
    if code.startswith("NBX"):
        from flake8_netbox.docs import explain, explain_text
        from flake8_netbox.rules import BY_CODE

        rule = BY_CODE.get(code)
        if rule is not None:
            descriptor.update({
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.why},
                "help": {"text": explain_text(rule), "markdown": explain(rule)},
            })
            if rule.security_severity is not None:
                descriptor["properties"] = {
                    "tags": ["security"],
                    "security-severity": f"{rule.security_severity:.1f}",
                }
    return descriptor
