"""``flake8-netbox``: the NBX rules alone, through flake8's own engine and formatters.

Everything flake8 accepts works (``--format``, ``--output-file``, ``--jobs``, config files);
the command adds ``--explain CODE`` and ``--list-rules``, selects only NBX codes whatever the
project's flake8 configuration selects for other plugins, checks files named on its command
line whatever their name, and keeps source lines (which may hold secrets) out of the output
unless ``--show-source`` is given on the command line.
"""

from __future__ import annotations

import os
import re
import sys
from typing import List, Optional, Sequence, Tuple

USAGE = """\
usage: flake8-netbox [PATHS ...] [--netbox-version X.Y] [--netbox-files PATTERNS] [flake8 options]
       flake8-netbox --config-dir FOLDER [flake8 options]
       flake8-netbox --fix|--diff [--unsafe-fixes] [--upgrade-databases] [PATHS ...]
       flake8-netbox --explain NBXnnn
       flake8-netbox --list-rules

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
Exit status: 0 no findings, 1 findings (or, with --diff, changes), 2 usage error.
"""


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
    from flake8_netbox.docs import explain as explain_rule
    from flake8_netbox.rules import BY_CODE

    rule = BY_CODE.get(code.strip().upper())
    if rule is None:
        print(f"flake8-netbox: unknown code {code!r}; see flake8-netbox --list-rules",
              file=sys.stderr)
        return 2
    print(explain_rule(rule))
    return 0


def list_rules() -> int:
    from flake8_netbox.rules import ALL_RULES

    width = max(len(rule.name) for rule in ALL_RULES)
    for rule in ALL_RULES:
        note = " (off by default)" if rule.opt_in else ""
        print(f"{rule.code}  {rule.name:<{width}}  {rule.summary}{note}")
    return 0


def configured_nbx_selection(args: Sequence[str]) -> List[str]:
    """NBX codes the project's flake8 config adds with ``extend-select`` (opt-in rules): kept,
    while the same setting's codes of other plugins are dropped."""
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
        codes: List[str] = []
        for key in ("extend-select", "extend_select"):
            if cfg.has_option("flake8", key):
                codes += re.split(r"[,\s]+", cfg.get("flake8", key))
    except Exception:  # an unreadable config is flake8's to report
        return []
    return [code for code in codes if code.startswith("NBX")]


def flake8_arguments(args: Sequence[str]) -> List[str]:
    """flake8's command line for the NBX rules only; the user's own arguments come last and
    win over ours (argparse keeps the last value)."""
    selection = ",".join(["NBX", *configured_nbx_selection(args)])
    ours = ["--select=NBX", f"--extend-select={selection}", "--netbox-named-files"]
    if "--show-source" not in args:
        ours.append("--no-show-source")
    return ours + list(args)


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
    if "-h" in args or "--help" in args:
        print(USAGE)
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
            return _usage(f"--config-dir: {folder!r} holds no .py files")
        args = parts + args

    fixing = fix_flags(args)
    if fixing is not None and not fixing[0]:
        return _usage("--unsafe-fixes and --upgrade-databases go with --fix or --diff")

    from flake8.main.cli import main as flake8_main

    try:
        if fixing is not None:
            from flake8_netbox.fix_command import run

            return run(fixing[0], flake8_arguments(args), fixing[1], fixing[2])
        return flake8_main(flake8_arguments(args))
    except SystemExit as exit_:  # argparse's usage errors
        return exit_.code if isinstance(exit_.code, int) else 2


def fix_flags(args: List[str]) -> Optional[Tuple[str, bool, bool]]:
    """Remove the fix flags from ``args``: (mode, unsafe, upgrade_databases), mode '' when
    only the modifiers were given; None without any."""
    mode = "diff" if "--diff" in args else "fix" if "--fix" in args else ""
    unsafe = "--unsafe-fixes" in args
    upgrade = "--upgrade-databases" in args
    for flag in ("--fix", "--diff", "--unsafe-fixes", "--upgrade-databases"):
        while flag in args:
            args.remove(flag)
    return (mode, unsafe, upgrade) if mode or unsafe or upgrade else None


def _usage(message: str) -> int:
    print(f"flake8-netbox: {message}\n\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
