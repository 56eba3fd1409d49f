"""``flake8-netbox --fix`` and ``--diff``: the files flake8 would check, fixed for the target
release, with a report of what changed, what the user must do next and what remains.

Options come from flake8 itself (command line and the project's setup.cfg, tox.ini or .flake8),
so ``--netbox-version``, excludes, per-file-ignores and ``# noqa`` mean what they mean when
linting. Secret values never reach the output: the diff shows them as ``<redacted>``.
"""

from __future__ import annotations

import errno
import inspect
import io
import os
import stat
import sys
import tempfile
import tokenize
from typing import Any, Callable, Iterable, List, NamedTuple, Sequence, TextIO, Tuple

from flake8_netbox.plugin import STDIN_NAMES, NetBoxPlugin
from flake8_netbox.redaction import REDACTED, line_map, redacted_diff, split_lines
from flake8_netbox.text import plural

FIX, DIFF = "fix", "diff"
#: --fix-only: fix and report what changed and what could not be fixed, not what remains.
ONLY = "fix-only"


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
    _, text, encoding = _read_data(path)
    return text, encoding


def _read_data(path: str) -> Tuple[bytes, str, str]:
    """(bytes as read, text with its own line endings, encoding), as Python reads the file."""
    from flake8_netbox.files import read_bytes

    if path in STDIN_NAMES:
        data = sys.stdin.buffer.read()
    else:
        data = read_bytes(path)  # never blocks: a FIFO or a device raises NotRegularFile
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data, data.decode(encoding), encoding


class Outcome(NamedTuple):
    """One file's fix, before anything is written or reported."""

    result: Any  # fixer.FixResult
    original: Callable[[], List[Any]]  # the findings on the text as it is


def _one_file(app: Any, path: str, mode: str, kinds: Any, report: TextIO, totals: Totals
              ) -> None:
    stdin = path in STDIN_NAMES
    data, text, encoding = _read_data(path)
    name = app.options.stdin_display_name if stdin else path
    out = data  # what standard input gets back: the input itself unless a fix is written
    try:
        outcome = _fix_text(app, text, name, kinds)
        if outcome is None:
            return
        fixed = outcome.result.source
        failure = ""
        if fixed != text and mode == FIX:
            try:
                encoded = fixed.encode(encoding)  # first: a failure leaves the file as it was
            except UnicodeError:
                failure = (f"the fixed text cannot be written in the file's encoding "
                           f"({encoding}); the file was left unchanged")
            else:
                if stdin:
                    out = encoded
                else:
                    try:
                        write_atomically(path, encoded)
                    except OSError as error:
                        reason = error.strerror or type(error).__name__
                        failure = (f"the file cannot be written ({reason}); it was left "
                                   "unchanged")
        _report(app, name, text, mode, outcome, failure, report, totals)
    finally:  # an editor piping its buffer through gets it back, fixed or not
        if stdin and mode == FIX:
            _write_stdout(out, encoding)


def _write_stdout(data: bytes, encoding: str) -> None:
    """The bytes on standard output as they are (the input's encoding and BOM)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:  # a text stream standing in for standard output (tests, embedding)
        sys.stdout.write(data.decode(encoding))


def write_atomically(path: str, data: bytes) -> None:
    """Replace the file at ``path`` (a symbolic link's target) with ``data``: written to a
    temporary file beside it and renamed over it, so that any failure leaves the old file
    whole; its permission bits (and owner, when allowed) are kept. A file nobody may write is
    refused (PermissionError) even where renaming over it would be allowed. A file with
    several hard links is rewritten in place (a rename would split the links).
    Raises OSError."""
    real = os.path.realpath(path)
    status = os.stat(real)
    if not stat.S_ISREG(status.st_mode):
        raise OSError(errno.EINVAL, "not a regular file")
    if not status.st_mode & 0o222 or not os.access(real, os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only")
    if status.st_nlink > 1:
        with open(real, "r+b") as handle:
            handle.write(data)
            handle.truncate()
        return
    folder, base = os.path.split(real)
    descriptor, temporary = tempfile.mkstemp(dir=folder or ".", prefix=f".{base}.",
                                             suffix=".flake8-netbox")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        if hasattr(os, "chown"):
            try:
                os.chown(temporary, status.st_uid, status.st_gid)
            except OSError:
                pass  # not allowed to give it away: it stays the user's, as an editor's save
        os.replace(temporary, real)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _fix_text(app: Any, text: str, name: str, kinds: Any) -> "Outcome | None":
    """Fix one file's text; None when there is nothing to do (not a configuration, a syntax
    error flake8 reports as E999, or a file-level ``# flake8: noqa``)."""
    import ast

    from flake8.defaults import NOQA_FILE

    from flake8_netbox.checker import check_source
    from flake8_netbox.fixer import fix_source

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None  # flake8 reports it (E999); nothing can be fixed
    lines = split_lines(text)
    if not app.options.disable_noqa and any(NOQA_FILE.match(line) for line in lines):
        return None  # flake8 skips the whole file: so does --fix
    plugin = NetBoxPlugin(tree, name, lines)
    kind = plugin.kind()
    if kind is None:
        return None
    settings = dict(kind=kind, whole=plugin.is_whole(), bound_elsewhere=plugin.dir_bound,
                    opt_in=plugin.opt_in)
    result = fix_source(text, plugin.release, kinds=kinds, ignored=_ignored(app, name),
                        noqa=not app.options.disable_noqa, **settings)
    return Outcome(result, lambda: check_source(text, plugin.release, **settings))


def _report(app: Any, name: str, text: str, mode: str, outcome: Outcome, failure: str,
            report: TextIO, totals: Totals) -> None:
    """What changed (or would), what was not fixed and why, what remains; with --diff, the
    diff on standard output."""
    from flake8_netbox.fixes.base import FLAGS

    result = outcome.result
    fixed = result.source
    if failure:
        print(f"{name}: not fixed: {failure}", file=report)
        _remaining(app, name, text, outcome.original(), report, totals)
        return
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
    if mode == DIFF and fixed != text:  # report against the file as it is
        _remaining(app, name, fixed, result.remaining, report, totals, original=text)
    else:
        _remaining(app, name, fixed, result.remaining, report, totals)
    if fixed != text:
        totals.fixed += len(result.changes)
        totals.files += 1
        if mode == DIFF:
            sys.stdout.write(redact(redacted_diff(text, fixed, name), result.secrets))


def _remaining(app: Any, name: str, text: str, findings: List[Any], report: TextIO,
               totals: Totals, original: "str | None" = None) -> None:
    """Print the findings on ``text`` that flake8 would report. With ``original`` (--diff),
    a finding on a line the file already has is placed on that line of the file; one on a
    line only the fix writes says so."""
    if not totals.report_remaining:  # --fix-only
        return
    lines = split_lines(text)
    mapping = line_map(original, text) if original is not None else None
    for line, column, message in findings:
        if not _reported(app, name, line, column, message, lines):
            continue
        totals.remaining += 1
        if mapping is None:
            print(f"{name}:{line}:{column + 1}: {message}", file=report)
        elif 0 < line <= len(mapping) and mapping[line - 1] is not None:
            print(f"{name}:{mapping[line - 1] + 1}:{column + 1}: {message}", file=report)
        else:
            print(f"{name}: after the fix, on line {line} of the text the diff writes: "
                  f"{message}", file=report)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every known secret literal (quotes included) replaced by a placeholder:
    a second guard behind the tokenizer's redaction."""
    for literal in sorted(secrets, key=len, reverse=True):
        if len(literal) < 3:
            continue
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
