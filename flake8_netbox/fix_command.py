"""``flake8-netbox --fix`` and ``--diff``: the files flake8 would check, fixed for the target
release, with a report of what changed, what the user must do next and what remains.

Options come from flake8 itself (command line and the project's setup.cfg, tox.ini or .flake8),
so ``--netbox-version``, excludes, per-file-ignores and ``# noqa`` mean what they mean when
linting. Secret values never reach the output: the diff shows them as ``<redacted>``.
"""

from __future__ import annotations

import difflib
import inspect
import io
import sys
import tokenize
from typing import Any, Iterable, List, Sequence, TextIO, Tuple

from flake8_netbox.plugin import STDIN_NAMES, NetBoxPlugin
from flake8_netbox.text import plural

FIX, DIFF = "fix", "diff"
#: --fix-only: fix and report what changed and what could not be fixed, not what remains.
ONLY = "fix-only"
REDACTED = "<redacted>"


def run(mode: str, flake8_args: Sequence[str], unsafe: bool, upgrade_databases: bool,
        app: Any = None, report_remaining: bool = True) -> int:
    """Exit status: 0 nothing remains (and, with --diff, nothing would change); 1 otherwise;
    2 usage error. ``app``: a flake8 Application already initialised (else one is made from
    ``flake8_args``); without ``report_remaining`` (--fix-only), remaining findings are
    neither printed nor counted."""
    from flake8.main.application import Application

    from flake8_netbox.files import NotRegularFile
    from flake8_netbox.fixes.base import SAFE, UNSAFE, UPGRADE_DATABASES

    if app is None:
        app = Application()
        app.initialize(list(flake8_args))
    options = app.options
    NetBoxPlugin.parse_options(options)
    kinds = {SAFE} | ({UNSAFE} if unsafe else set()) | \
        ({UPGRADE_DATABASES} if upgrade_databases else set())
    paths = _paths(options)
    # Standard output carries the diff, or the fixed text of standard input.
    report = sys.stdout if mode == FIX and not set(paths) & set(STDIN_NAMES) else sys.stderr
    totals = Totals()
    totals.report_remaining = report_remaining
    for path in paths:
        try:
            _one_file(app, path, mode, kinds, report, totals)
        except NotRegularFile as error:  # a FIFO named configuration.py: nothing to fix
            print(error, file=report)
        except (OSError, UnicodeError, SyntaxError) as error:  # unreadable, or bad encoding
            print(f"{path}: not fixed: the file cannot be read or decoded "
                  f"({type(error).__name__})", file=report)
            totals.remaining += 1
        except Exception as error:  # one broken file must not stop the others
            print(f"{path}: flake8-netbox could not fix this file ({type(error).__name__}); it "
                  "was left unchanged: please report it", file=report)
            totals.remaining += 1
    verb = "fixed" if mode == FIX else "would fix"
    remain = f"; {plural(totals.remaining, 'finding')} " \
        f"{'remains' if totals.remaining == 1 else 'remain'}" if report_remaining else ""
    print(f"flake8-netbox: {verb} {plural(totals.fixed, 'problem')} in "
          f"{plural(totals.files, 'file')}{remain}", file=report)
    return 1 if totals.remaining or (mode == DIFF and totals.fixed) else 0


class Totals:
    def __init__(self) -> None:
        self.fixed = self.files = self.remaining = 0
        self.report_remaining = True


def _label(code: str) -> str:
    """`` NBXnnn`` for a rule's code; nothing for a fix no rule asks for (DATABASES)."""
    return f" {code}" if code.startswith("NBX") else ""


def _paths(options: Any) -> List[str]:
    from flake8 import discover_files

    arguments = dict(paths=options.filenames or ["."],
                     stdin_display_name=options.stdin_display_name,
                     filename_patterns=options.filename,
                     exclude=[*options.exclude, *(options.extend_exclude or ())])
    if "is_running_from_diff" in inspect.signature(discover_files.expand_paths).parameters:
        arguments["is_running_from_diff"] = False  # flake8 5
    return list(discover_files.expand_paths(**arguments))


def _read(path: str) -> Tuple[str, str]:
    """(text with its own line endings, encoding), as Python reads the file."""
    from flake8_netbox.files import read_bytes

    if path in STDIN_NAMES:
        data = sys.stdin.buffer.read()
    else:
        data = read_bytes(path)  # never blocks: a FIFO or a device raises NotRegularFile
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding), encoding


def _one_file(app: Any, path: str, mode: str, kinds: Any, report: TextIO, totals: Totals
              ) -> None:
    stdin = path in STDIN_NAMES
    text, encoding = _read(path)
    name = app.options.stdin_display_name if stdin else path
    fixed = text
    try:
        fixed = _fix_text(app, text, name, mode, kinds, report, totals)
    finally:  # an editor piping its buffer through gets it back, fixed or not
        if stdin and mode == FIX:
            sys.stdout.write(fixed)
    if fixed != text and mode == FIX and not stdin:
        with open(path, "wb") as handle:
            handle.write(fixed.encode(encoding))


def _fix_text(app: Any, text: str, name: str, mode: str, kinds: Any, report: TextIO,
              totals: Totals) -> str:
    """Fix one file's text and report on it (with --diff, print the diff): the fixed text."""
    import ast

    from flake8_netbox.fixer import fix_source
    from flake8_netbox.fixes.base import FLAGS

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return text  # flake8 reports it (E999); nothing can be fixed
    plugin = NetBoxPlugin(tree, name, text.splitlines(keepends=True))
    kind = plugin.kind()
    if kind is None:
        return text
    result = fix_source(text, plugin.release, kind=kind, whole=plugin.is_whole(),
                        bound_elsewhere=plugin.dir_bound, kinds=kinds, opt_in=plugin.opt_in,
                        ignored=_ignored(app, name), noqa=not app.options.disable_noqa)
    fixed = result.source
    done = "fixed" if mode == FIX else "would fix"
    for change in result.changes:
        print(f"{name}: {done}{_label(change.code)} {change.summary}", file=report)
        for todo in change.todo:
            print(f"{name}:   then: {todo}", file=report)
    for refusal in _unique(result.refusals):
        print(f"{name}: not fixed{_label(refusal.code)}: {refusal.reason}", file=report)
    for fix_kind, change in result.available:
        print(f"{name}: available with {FLAGS[fix_kind]}:{_label(change.code)} {change.summary}",
              file=report)
    lines = fixed.splitlines(keepends=True)
    for line, column, message in result.remaining if totals.report_remaining else ():
        if _reported(app, name, line, column, message, lines):
            print(f"{name}:{line}:{column + 1}: {message}", file=report)
            totals.remaining += 1
    if fixed != text:
        totals.fixed += len(result.changes)
        totals.files += 1
        if mode == DIFF:
            sys.stdout.write(redact(unified_diff(text, fixed, name), result.secrets))
    return fixed


def unified_diff(old: str, new: str, name: str) -> str:
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile=f"a/{name}", tofile=f"b/{name}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret literal (quotes included) replaced by a placeholder."""
    for literal in sorted(secrets, key=len, reverse=True):
        quote = literal[-1] if literal[-1] in "'\"" else "'"
        text = text.replace(literal, f"{quote}{REDACTED}{quote}")
    return text


def _reported(app: Any, filename: str, line: int, column: int, message: str,
              lines: Sequence[str]) -> bool:
    """Would flake8 report this finding (select/ignore, per-file-ignores, ``# noqa``)?"""
    from flake8.style_guide import Decision

    try:
        from flake8.violation import Violation
    except ImportError:  # flake8 5
        from flake8.style_guide import Violation  # type: ignore[attr-defined,no-redef]

    code, _, text = message.partition(" ")
    guide = app.guide.style_guide_for(filename)
    if guide.should_report_error(code) is not Decision.Selected:
        return False
    physical = lines[line - 1] if 0 < line <= len(lines) else ""
    violation = Violation(code, filename, line, column + 1, text, physical)
    return not violation.is_inline_ignored(app.options.disable_noqa)


def _ignored(app: Any, filename: str) -> List[str]:
    """The codes the project's flake8 configuration turns off for this file: never fixed."""
    from flake8.style_guide import Decision

    from flake8_netbox.fixes import ALL_FIXES

    guide = app.guide.style_guide_for(filename)
    codes = {code for fix in ALL_FIXES for code in fix.codes if code.startswith("NBX")}
    return sorted(code for code in codes
                  if guide.should_report_error(code) is not Decision.Selected)


def _unique(items: List[Any]) -> List[Any]:
    seen: List[Any] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen
