"""From the checker's offsets and rules to LSP values: UTF-16 positions, severities, links."""

from __future__ import annotations

import bisect
import re
from typing import Any, Dict, List, Optional, Tuple

from lsprotocol import types

from flake8_netbox.checker import SYNTAX_ERROR, Analysis, Placed
from flake8_netbox.rules import BY_CODE

SOURCE = "flake8-netbox"
_LINE_END = re.compile(r"\r\n|\r|\n")  # as Python, libcst and the LSP count lines


class LineIndex:
    """Offsets (characters of a Python str) to LSP positions (line, UTF-16 code units) and
    back, for one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [match.end() for match in _LINE_END.finditer(text)]

    def line_text(self, line: int) -> str:
        """Line ``line`` (0-based) without its line end."""
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        return types.Position(line, utf16_length(self.text[start:offset]))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(self.position(start), self.position(max(start, end)))

    def offset(self, position: types.Position) -> int:
        """The offset of an LSP position (past the end of a line: its end)."""
        if position.line >= len(self.starts):
            return len(self.text)
        line = self.line_text(max(position.line, 0))
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return self.starts[position.line] + index
            units += 2 if ord(char) > 0xFFFF else 1
        return self.starts[position.line] + len(line)

    def line_offset(self, line: int, column: int) -> int:
        """Offset of a 1-based line and 0-based character column (flake8's positions)."""
        line = max(1, min(line, len(self.starts)))
        return min(self.starts[line - 1] + column, len(self.text))


def utf16_length(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def severity(code: str) -> types.DiagnosticSeverity:
    """The rule's ``level`` ("error" or "warning", as in SARIF); "error" where a rule has
    none (SARIF's default level for this plugin's results)."""
    level = getattr(BY_CODE.get(code), "level", "error")
    levels = {"warning": types.DiagnosticSeverity.Warning,
              "note": types.DiagnosticSeverity.Information}
    return levels.get(str(level), types.DiagnosticSeverity.Error)


def rule_anchor(code: str) -> Optional[str]:
    """The rule reference's heading anchor of ``code`` (``nbx201-missing-database``)."""
    rule = BY_CODE.get(code)
    return None if rule is None else f"{code.lower()}-{rule.name}"


def diagnostic(found: Placed, index: LineIndex, docs_url: Optional[str]) -> types.Diagnostic:
    """One finding as an LSP diagnostic: the range of the value it is about, the message
    without its code (the code is a field), and a link to the rule's documentation."""
    anchor = rule_anchor(found.code)
    description = types.CodeDescription(href=f"{docs_url}#{anchor}") \
        if docs_url and anchor else None
    text = found.message[len(found.code) + 1:] if found.message.startswith(found.code + " ") \
        else found.message
    return types.Diagnostic(
        range=index.range(found.start, found.end),
        message=text,
        severity=severity(found.code),
        code=found.code,
        code_description=description,
        source=SOURCE,
        data={"line": found.line, "column": found.column},
    )


def syntax_diagnostic(analysis: Analysis, index: LineIndex) -> List[types.Diagnostic]:
    """The syntax error, as one diagnostic (flake8's E999), when Python rejects the text."""
    if analysis.outcome != SYNTAX_ERROR or analysis.syntax_error is None:
        return []
    line, column, message = analysis.syntax_error
    start = index.line_offset(line, column)
    return [types.Diagnostic(
        range=index.range(start, start), message=f"SyntaxError: {message}",
        severity=types.DiagnosticSeverity.Error, code="E999", source=SOURCE)]


def findings_at(findings: List[Tuple[Placed, Any]], start: int, end: int) -> List[Placed]:
    """Findings whose span touches [start, end]."""
    return [found for found, _ in findings if found.start <= end and start <= found.end]


def by_code(diagnostics: List[types.Diagnostic]) -> Dict[str, List[types.Diagnostic]]:
    out: Dict[str, List[types.Diagnostic]] = {}
    for item in diagnostics:
        out.setdefault(str(item.code), []).append(item)
    return out
