"""CI formats without source text: ``--format=netbox-gitlab`` (GitLab Code Quality JSON) and
``--format=netbox-jsonl`` (one JSON object a line).

Why our own: the well-kept flake8 formatters all carry the reported source line, which for
NBX101/NBX102/NBX301/NBX302 is the secret itself. flake8-json 24.4.0 writes it as
``physical_line`` (``json``, ``json-pretty``) and hashes it into the fingerprint of its
``codeclimate`` format (MD5 of the line: a weak password can be guessed back from it), and
flake8-gl-codeclimate 0.2.2 hashes it into every fingerprint (SHA-1 of all the violation's
fields). These formatters write only the path, position, code, message and level; fingerprints
hash the path, code and message (messages never quote a secret), never the line.

flake8 imports every formatter at start-up, so this module imports only what flake8 has
already loaded (plus hashlib and json).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, List, Optional

from flake8_netbox.sarif import SourceFreeFormatter

#: GitLab Code Quality severities: a file NetBox cannot load, other errors, warnings.
BLOCKER, CRITICAL, MINOR = "blocker", "critical", "minor"


def _path(filename: str) -> str:
    path = filename.replace("\\", "/")
    return path[2:] if path.startswith("./") else path


def _severity(code: str) -> str:
    from flake8_netbox.sarif import STARTUP_CODES, level

    if code in STARTUP_CODES or code.startswith("NBX0") or code == "NBX601":
        return BLOCKER  # NetBox will not start (or the plugin failed: NBX000)
    return CRITICAL if level(code) == "error" else MINOR


class GitLabFormatter(SourceFreeFormatter):
    """A JSON array of Code Quality issues, written when flake8 stops (GitLab's
    ``artifacts:reports:codequality``)."""

    def after_init(self) -> None:
        self.issues: List[Dict[str, Any]] = []
        self.seen: Dict[str, int] = {}

    def handle(self, error: Any) -> None:
        path = _path(error.filename)
        key = f"{path}\0{error.code}\0{error.text}"
        # The same finding twice in a file (two passwords with one message) gets its own
        # fingerprint; line numbers stay out of it, so an issue survives lines moving above.
        self.seen[key] = self.seen.get(key, 0) + 1
        fingerprint = hashlib.sha256(  # a path that is not UTF-8 keeps its own bytes
            f"{key}\0{self.seen[key]}".encode("utf-8", "surrogateescape")).hexdigest()
        self.issues.append({
            "type": "issue",
            "check_name": error.code,
            "description": f"{error.code} {error.text}",
            "categories": ["Security" if error.code[3:4] in "134" else "Bug Risk"]
            if error.code.startswith("NBX") else ["Bug Risk"],
            "severity": _severity(error.code),
            "fingerprint": fingerprint,
            "location": {"path": path, "lines": {"begin": max(int(error.line_number or 1), 1)}},
        })

    def format(self, error: Any) -> Optional[str]:
        return None  # everything is written by stop()

    def stop(self) -> None:
        self._write(json.dumps(self.issues, indent=2))
        super().stop()


class JsonLinesFormatter(SourceFreeFormatter):
    """One JSON object a finding: path, line, column (1-based), code, message, level."""

    def format(self, error: Any) -> Optional[str]:
        from flake8_netbox.sarif import level

        return json.dumps({"path": _path(error.filename), "line": int(error.line_number or 0),
                           "column": int(error.column_number or 0), "code": error.code,
                           "message": error.text, "level": level(error.code)})
