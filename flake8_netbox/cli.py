"""``flake8-netbox``: the NBX rules alone, through flake8's own engine and formatters.

Everything flake8 accepts works (``--format``, ``--output-file``, ``--jobs``, config files);
the command adds ``--explain CODE`` and ``--list-rules``, selects only NBX codes whatever the
project's flake8 configuration selects for other plugins (``--select`` on its own command line
works as in flake8), always keeps the start-up verdict (flake8's E999 and E902, pyflakes' F821
at module level: NetBox cannot load such a file), reads only files that can be configurations
when given a folder, checks files named on its command line whatever their name, and keeps
source lines (which may hold secrets) out of the output unless ``--show-source`` is given on
the command line.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

from flake8_netbox import __version__

PROG = "flake8-netbox"
#: Codes the command always reports, whatever is selected: NetBox cannot load such a file.
#: E999: flake8's "the file does not parse"; E902: flake8's "the file cannot be read";
#: F821: pyflakes' "undefined name" (kept only where it is read while the module loads).
STARTUP_CODES: Tuple[str, ...] = ("E999", "E902", "F821")

USAGE = """\
usage: flake8-netbox [PATHS ...] [--netbox-version X.Y] [--netbox-files PATTERNS] [flake8 options]
       flake8-netbox --config-dir FOLDER [flake8 options]
       flake8-netbox --fix|--diff [--unsafe-fixes] [--upgrade-databases] [PATHS ...]
       flake8-netbox --explain NBXnnn
       flake8-netbox --list-rules
       flake8-netbox lsp

Lint NetBox configuration files with the NBX rules only. PATHS default to the current
directory (searched for configuration.py files); files named explicitly are checked whatever
their name when they look like a NetBox configuration; '-' reads standard input (name it with
--stdin-display-name). --config-dir judges a container image's configuration folder as one
configuration: a setting is missing only when none of its files binds it. Every flake8 option
is accepted: see flake8 --help.
--fix rewrites the files for --netbox-version (REDIS layouts, renamed settings, the cache's
database), keeping every comment; --diff prints the same changes as a diff and writes nothing.
--unsafe-fixes also replaces weak SECRET_KEYs and moves passwords to environment variables;
--upgrade-databases turns DATABASE into DATABASES (NetBox 4.3+).
--fix-only fixes and reports what it changed and could not fix, but not the findings that
remain (the pre-commit fix hook, next to the lint hook).
E999 (does not parse), E902 (cannot be read) and F821 (a name read while the module loads that
nothing binds) are always reported: NetBox cannot load such a file.
Exit status: 0 no findings, 1 findings (or, with --diff, changes), 2 usage error.
"""
SHORT_USAGE = f"usage: {PROG} [PATHS ...] [options]; see {PROG} --help"
#: How --fix-only reports a file NetBox cannot load (flake8 --format).
ONLY_FORMAT = ("--format=%(path)s: not fixed: NetBox cannot load this file "
               "(%(code)s line %(row)d: %(text)s)")


def _value(args: List[str], flag: str) -> Optional[str]:
    """Remove ``flag VALUE`` or ``flag=VALUE`` from ``args``; return VALUE ('' if missing)."""
    for index, arg in enumerate(args):
        if arg == flag:
            del args[index]
            return args.pop(index) if index < len(args) else ""
        if arg.startswith(flag + "="):
            del args[index]
            return arg[len(flag) + 1:]
    return None


def explain(code: str) -> int:
    from flake8_netbox.docs import explain_text
    from flake8_netbox.rules import BY_CODE

    rule = BY_CODE.get(code.strip().upper())
    if rule is None:
        print(f"flake8-netbox: unknown code {code!r}; see flake8-netbox --list-rules",
              file=sys.stderr)
        return 2
    print(explain_text(rule), end="")
    return 0


def list_rules() -> int:
    """Code, name, how it is fixed ("-": not fixable), summary: one rule a line."""
    from flake8_netbox.docs import fix_flags
    from flake8_netbox.rules import ALL_RULES

    width = max(len(rule.name) for rule in ALL_RULES)
    fixes = {rule.code: " / ".join(fix_flags(rule.code)) or "-" for rule in ALL_RULES}
    fix_width = max(len("fix"), *(len(fix) for fix in fixes.values()))
    print(f"{'code':<6}  {'name':<{width}}  {'fix':<{fix_width}}  summary")
    for rule in ALL_RULES:
        note = " (off by default)" if rule.opt_in else ""
        print(f"{rule.code}  {rule.name:<{width}}  {fixes[rule.code]:<{fix_width}}  "
              f"{rule.summary}{note}")
    return 0


def configured(args: Sequence[str], key: str) -> List[str]:
    """The comma- or space-separated values of ``key`` in the project's flake8 configuration
    (the file flake8 itself would read for ``args``); [] when unset or unreadable."""
    try:
        from flake8.options.config import load_config

        rest = list(args)
        config = _value(rest, "--config") or None
        extra = []
        while True:
            value = _value(rest, "--append-config")
            if value is None:
                break
            extra.append(value)
        cfg, _ = load_config(config, extra, isolated="--isolated" in args)
        values: List[str] = []
        for spelling in (key, key.replace("-", "_")):
            if cfg.has_option("flake8", spelling):
                values += re.split(r"[,\s]+", cfg.get("flake8", spelling))
    except Exception:  # an unreadable config is flake8's to report
        return []
    return [value for value in values if value]


def configured_nbx_selection(args: Sequence[str]) -> List[str]:
    """NBX codes the project's flake8 config adds with ``extend-select`` (opt-in rules): kept,
    while the same setting's codes of other plugins are dropped."""
    return [code for code in configured(args, "extend-select") if code.startswith("NBX")]


def candidate_patterns(args: Sequence[str]) -> List[str]:
    """flake8 ``--filename`` patterns for the files that can be configurations: the default
    names and the ``netbox-files`` patterns (command line, then project configuration). flake8
    matches them against the whole path it found, so each is given with and without a folder."""
    from flake8_netbox.plugin import DEFAULT_PATTERNS

    rest = list(args)
    given: List[str] = []
    while True:
        value = _value(rest, "--netbox-files")
        if value is None:
            break
        given += value.split(",")
    if not given:
        given = configured(args, "netbox-files")
    patterns: List[str] = []
    for pattern in [*DEFAULT_PATTERNS, *(p.strip() for p in given if p.strip())]:
        pattern = pattern.lstrip("/")
        for form in (pattern, "*/" + pattern):
            if form not in patterns:
                patterns.append(form)
    return patterns


def _codes(values: Sequence[str]) -> List[str]:
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def flake8_arguments(args: Sequence[str]) -> List[str]:
    """flake8's command line: the NBX rules (or the user's own ``--select``) plus the start-up
    codes; folders searched only for files that can be configurations (unless ``--filename``
    is given); the user's other arguments come last and win over ours."""
    rest = list(args)
    selected: List[str] = []
    extended: List[str] = []
    while True:
        value = _value(rest, "--select")
        if value is None:
            break
        selected = [value]  # as in flake8 (argparse), the last --select wins
    while True:
        value = _value(rest, "--extend-select")
        if value is None:
            break
        extended = [value]
    selection = _codes(selected) or ["NBX"]
    extension = ["NBX", *configured_nbx_selection(rest), *_codes(extended)]
    ours = [f"--select={','.join([*selection, *STARTUP_CODES])}",
            f"--extend-select={','.join(extension)}", "--netbox-named-files"]
    if selected:  # a selection of the user's own: only what it names, as in flake8
        ours[1] = "--extend-select=" + ",".join(
            [*STARTUP_CODES, *configured_nbx_selection(rest), *_codes(extended)])
    if not any(arg == "--filename" or arg.startswith("--filename=") for arg in rest):
        ours.append(f"--filename={','.join(candidate_patterns(rest))}")
    if "--show-source" not in rest:
        ours.append("--no-show-source")
    return ours + rest


def configuration_dir(folder: str) -> List[str]:
    """flake8 arguments for a container image's configuration folder, judged as one
    configuration: its files in the order the image loads them (configuration.py first, then
    the others sorted by name), each setting missing only when no file binds it. What the
    configuration lacks is judged once, on its main file (configuration.py or ldap_config.py,
    else the first file loaded)."""
    import ast

    from flake8_netbox.files import NotRegularFile, read_source
    from flake8_netbox.plugin import bound_names
    from flake8_netbox.evaluator import scan_open_world
    from flake8_netbox.rules.base import ANY_NAME

    found = sorted(os.path.join(folder, name) for name in os.listdir(folder)
                   if name.endswith(".py"))
    mains = ("configuration.py", "ldap_config.py")
    found.sort(key=lambda path: os.path.basename(path) not in mains)
    paths: List[str] = []
    bound: List[str] = []
    for path in found:
        try:
            source, _ = read_source(path)
        except NotRegularFile as error:  # a FIFO would block flake8 too: left out, said so
            print(f"flake8-netbox: {error}", file=sys.stderr)
            continue
        except (OSError, SyntaxError, ValueError, UnicodeError):
            paths.append(path)  # flake8 reports it (E902, E999)
            continue
        paths.append(path)
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue  # flake8 reports it (E999)
        if scan_open_world(tree, source).open_world:
            bound.append(ANY_NAME)  # names may come from elsewhere: none is missing
        bound += bound_names(tree)
    main = [f"--netbox-dir-main={paths[0]}"] if paths else []
    return ["--netbox-complete-parts", f"--netbox-dir-bound={','.join(sorted(set(bound)))}",
            *main, *paths]


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["lsp"]:  # the language server (the lsp extra); nothing else imports it
        from flake8_netbox.lsp import main as lsp_main

        return lsp_main(args[1:])
    if "-h" in args or "--help" in args:
        print(USAGE)
        return 0
    if "--version" in args:
        print(version())
        return 0
    code = _value(args, "--explain")
    if code is not None:
        return explain(code) if code else _usage("--explain needs a code, e.g. NBX201")
    if "--list-rules" in args:
        return list_rules()
    folder = _value(args, "--config-dir")
    if folder is not None:
        if not folder or not os.path.isdir(folder):
            return _usage(f"--config-dir needs a folder, not {folder!r}")
        parts = configuration_dir(folder)
        if not [part for part in parts if not part.startswith("--")]:
            # without files, flake8 would check the current directory instead
            return _usage(f"--config-dir: {folder!r} holds no regular .py file to check")
        args = parts + args

    fixing = fix_flags(args)
    if fixing is not None and not fixing[0]:
        return _usage("--unsafe-fixes and --upgrade-databases go with --fix or --diff")

    try:
        app = application(flake8_arguments(args))
        missing = [path for path in app.options.filenames or ()
                   if path != "-" and not os.path.lexists(path)]
        if missing:
            return _usage(f"no such file or folder: {missing[0]!r}")
        if fixing is not None:
            from flake8_netbox.fix_command import ONLY, run

            mode, unsafe, upgrade = fixing
            status = run("fix" if mode == ONLY else mode, [], unsafe, upgrade, app=app,
                         report_remaining=mode != ONLY)
            if app.options.filenames == ["-"]:
                return status  # standard input is read once, by the fix
            # Files NetBox cannot load fail the fix too. --fix-only tells them as what it could
            # not fix, so that the lint hook beside it is the only one to list findings.
            told = [ONLY_FORMAT] if mode == ONLY else []
            startup = application([*flake8_arguments(args), f"--select={','.join(STARTUP_CODES)}",
                                   "--extend-select=", "--netbox-named-files", *told])
            return max(status, lint(startup, summary=False, quiet=True))
        return lint(app)
    except SystemExit as exit_:  # argparse's usage errors
        return exit_.code if isinstance(exit_.code, int) else 2


def version() -> str:
    """This command's name and version first, then what it runs on (flake8's own style)."""
    import platform

    from flake8 import __version__ as flake8_version

    try:
        from importlib.metadata import version as installed

        libcst = installed("libcst")
    except Exception:  # not installed as a distribution: say nothing rather than guess
        libcst = "?"
    return (f"{PROG} {__version__} (flake8: {flake8_version}, libcst: {libcst}) "
            f"{platform.python_implementation()} {platform.python_version()} on "
            f"{platform.system()}")


def application(flake8_args: Sequence[str]) -> Any:
    """flake8's Application with options parsed; its usage errors told as this command's own
    (``usage: flake8-netbox``), exit status 2."""
    from flake8.main.application import Application

    app = Application()
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured):
            app.initialize(list(flake8_args))
    except SystemExit as exit_:
        text = captured.getvalue()
        errors = [line.split(": error: ", 1)[1] for line in text.splitlines()
                  if ": error: " in line]
        if exit_.code and errors:
            print(f"{SHORT_USAGE}\n{PROG}: error: {errors[-1]}", file=sys.stderr)
            raise SystemExit(2) from None
        sys.stderr.write(text)
        raise
    sys.stderr.write(captured.getvalue())
    return app


def lint(app: Any, summary: bool = True, quiet: bool = False) -> int:
    """Run an initialised flake8 Application: its findings, then (with ``summary``) one line
    saying how many of them the fixes would fix. F821 is kept only where NetBox would meet it:
    read while the module loads, in a module that cannot receive names from elsewhere. Files
    that are not regular files are left out (``quiet``: without saying so again)."""
    from flake8 import exceptions

    if not _regular_files_only(app, quiet):
        return 0  # nothing to check: flake8 would check the current folder instead
    _only_startup_undefined_names(app)
    _leave_out_files_nested_too_deeply(app)
    try:
        app.run_checks()
        app.report()
    except KeyboardInterrupt:
        print("... stopped", file=sys.stderr)
        return 1
    except (exceptions.ExecutionError, exceptions.EarlyQuit) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    if app.options.count:
        print(app.result_count)
    if summary and app.result_count:
        line = fixable_summary(app)
        if line:
            sys.stdout.flush()
            print(line, file=sys.stderr)
    return app.exit_code()


def _leave_out_files_nested_too_deeply(app: Any) -> None:
    """A checker that recurses past Python's limit on one file (pyflakes on a 400-long chain of
    '+', which the NBX rules leave alone: see checker.too_costly) would stop flake8 with
    '"pyflakes[F]" failed during execution' and no finding for any file. That file is left
    out with a plain note, and the others are checked again without it."""
    from flake8 import exceptions

    manager = app.file_checker_manager
    run = manager.run

    def run_leaving_out() -> None:
        while True:
            try:
                return run()
            except exceptions.PluginExecutionFailed as failed:
                original = getattr(failed, "original_exception", None)
                filenames = getattr(manager, "filenames", None)
                if not isinstance(original, RecursionError) or filenames is None or \
                        failed.filename not in filenames:
                    raise
                manager.filenames = tuple(f for f in filenames if f != failed.filename)
                print(f"{failed.filename}: not checked: it nests expressions too deeply for "
                      f"{failed.plugin_name} (see the limits in docs/reliability.md)",
                      file=sys.stderr)

    manager.run = run_leaving_out


#: Files of this many characters or more are left out of the "fixable" count: counting fixes
#: the file in memory, which doubles the time and (the fix engine keeps the whole libcst tree
#: while lint takes a large file one statement at a time) more than doubles the memory of the
#: run, for a line of advice. ``--fix`` itself still fixes them.
FIXABLE_COUNT_MAX_SOURCE = 100_000


def fixable_summary(app: Any) -> str:
    """One line, as ruff prints it: how many of the reported findings ``--fix`` would fix, and
    how many more ``--unsafe-fixes`` and ``--upgrade-databases`` would. Counted by asking the
    fixes themselves (in memory: nothing is written) on each file with an NBX finding, after
    the project's ignores and ``# noqa``, but not on files of ``FIXABLE_COUNT_MAX_SOURCE``
    characters or more. Empty when nothing is fixable."""
    from flake8_netbox.fix_command import _ignored, _read
    from flake8_netbox.fixes.base import FLAGS, SAFE, UNSAFE, UPGRADE_DATABASES
    from flake8_netbox.fixer import fix_source
    from flake8_netbox.plugin import NetBoxPlugin
    from flake8_netbox.text import plural

    files = sorted({stat.filename for stat in app.guide.stats.statistics_for("NBX")})
    counts = {SAFE: 0, UNSAFE: 0, UPGRADE_DATABASES: 0}
    for filename in files:
        if filename in ("-", "stdin", app.options.stdin_display_name):
            continue  # standard input was read once, by flake8
        try:
            text, _ = _read(filename)
            if len(text) >= FIXABLE_COUNT_MAX_SOURCE:
                continue
            tree = ast.parse(text)
            plugin = NetBoxPlugin(tree, filename, text.splitlines(keepends=True))
            kind = plugin.kind()
            if kind is None:
                continue
            result = fix_source(text, plugin.release, kind=kind, whole=plugin.is_whole(),
                                bound_elsewhere=plugin.dir_bound, opt_in=plugin.opt_in,
                                ignored=_ignored(app, filename),
                                noqa=not app.options.disable_noqa)
        except Exception:  # the count is advice: a file the fixes cannot read is not counted
            continue
        counts[SAFE] += len(result.changes)
        for fix_kind, _change in result.available:
            counts[fix_kind] += 1
    if not any(counts.values()):
        return ""
    first, *rest = [(counts[k], "`" + " ".join(filter(None, (PROG, "--fix", FLAGS[k]))) + "`")
                    for k in (SAFE, UNSAFE, UPGRADE_DATABASES) if counts[k]]
    more = ", ".join(f"{n} more with {command}" for n, command in rest)
    return (f"{PROG}: {plural(first[0], 'finding')} fixable with {first[1]}"
            + (f" ({more})" if more else "") + ".")


def _regular_files_only(app: Any, quiet: bool) -> bool:
    """Give flake8 the files it would find, less those that are not regular files: flake8
    opens each one, and opening a FIFO named configuration.py waits for a writer for ever.
    A path that cannot be examined stays (flake8 reports it: E902). False when nothing is
    left to check."""
    import stat

    from flake8_netbox.files import NotRegularFile

    if list(app.options.filenames or ()) == ["-"]:
        return True
    from flake8_netbox.fix_command import _paths

    kept = []
    for path in _paths(app.options):
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError):
            mode = stat.S_IFREG
        if path == "-" or stat.S_ISREG(mode):
            kept.append(path)
        elif not quiet:
            print(NotRegularFile(path, mode), file=sys.stderr)
    app.options.filenames = kept
    return bool(kept)


def _only_startup_undefined_names(app: Any) -> None:
    """Drop F821 findings NetBox would not meet when it loads the file: inside a function or
    lambda body (run later, if ever), or in a module that writes names in ways pyflakes cannot
    follow (``globals()``, ``exec``, ...). pyflakes decides what is undefined; this only
    decides where that matters."""
    guide = app.guide
    handle = guide.handle_error
    deferred: Dict[str, Optional[List[Tuple[Tuple[int, int], Tuple[int, int]]]]] = {}

    def handle_error(code: str, filename: str, line_number: int, column_number: int,
                     text: str, physical_line: Optional[str] = None) -> int:
        if code == "F821":
            if filename not in deferred:
                deferred[filename] = _deferred_spans(filename, app.options.stdin_display_name)
            spans = deferred[filename]
            where = (line_number, column_number or 0)  # flake8 passes 0-based columns here
            if spans is None or any(start <= where < end for start, end in spans):
                return 0
        return handle(code, filename, line_number, column_number, text, physical_line)

    guide.handle_error = handle_error


def _deferred_spans(filename: str, stdin_name: str
                    ) -> Optional[List[Tuple[Tuple[int, int], Tuple[int, int]]]]:
    """Spans ((line, column), (end line, end column)) of the code that does not run while the
    module loads (function and lambda bodies); None when the module can receive names from
    elsewhere, so that an undefined name proves nothing."""
    import tokenize

    try:
        if filename in ("-", "stdin", stdin_name):
            from flake8.utils import stdin_get_value  # flake8 keeps what it read from stdin

            source = stdin_get_value()
        else:
            with tokenize.open(filename) as handle:
                source = handle.read()
        tree = ast.parse(source)
    except (OSError, SyntaxError, ValueError, UnicodeError):
        return None
    spans = []
    for node in ast.walk(tree):
        if _binds_elsewhere(node):
            return None
        bodies: List[Any] = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bodies = list(node.body)
        elif isinstance(node, ast.Lambda):
            bodies = [node.body]
        for body in bodies:
            spans.append(((body.lineno, body.col_offset),
                          (body.end_lineno or body.lineno, body.end_col_offset or 0)))
    return spans


def _binds_elsewhere(node: Any) -> bool:
    """Can this node give the module names pyflakes cannot see?"""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in ("globals", "vars", "locals", "exec", "eval", "__import__")
    if isinstance(node, ast.ImportFrom):
        return any(alias.name == "*" for alias in node.names)
    if isinstance(node, ast.Attribute):
        return node.attr == "modules" and isinstance(node.value, ast.Name) and \
            node.value.id == "sys"
    return isinstance(node, ast.FunctionDef) and node.name == "__getattr__"


def fix_flags(args: List[str]) -> Optional[Tuple[str, bool, bool]]:
    """Remove the fix flags from ``args``: (mode, unsafe, upgrade_databases), mode '' when
    only the modifiers were given; None without any."""
    mode = "diff" if "--diff" in args else "fix" if "--fix" in args else \
        "fix-only" if "--fix-only" in args else ""
    unsafe = "--unsafe-fixes" in args
    upgrade = "--upgrade-databases" in args
    for flag in ("--fix", "--diff", "--fix-only", "--unsafe-fixes", "--upgrade-databases"):
        while flag in args:
            args.remove(flag)
    return (mode, unsafe, upgrade) if mode or unsafe or upgrade else None


def _usage(message: str) -> int:
    print(f"{SHORT_USAGE}\n{PROG}: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
