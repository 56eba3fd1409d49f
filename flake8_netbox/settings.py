"""What a run is asked to do (``Settings``), built by one function from flake8's options, and
which files are NetBox configurations: shared by the flake8 plugin and the language server.

Imported by the flake8 adapter at start-up, so it imports nothing heavy (no libcst).
"""

from __future__ import annotations

import argparse
import ast
import os
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, FrozenSet, List, Optional, Sequence, Set, Tuple

from flake8_netbox.releases import DEFAULT_RELEASE, Release, parse_release

DEFAULT_PATTERNS: Tuple[str, ...] = ("configuration.py", "ldap_config.py")
#: Names whose presence makes a file look like a NetBox configuration.
RECOGNISING_NAMES = frozenset({"ALLOWED_HOSTS", "DATABASE", "DATABASES", "SECRET_KEY", "REDIS"})
#: Codes that are off unless selected (kept here so that flake8 start-up needs no rule import;
#: tests check it against the rules' ``opt_in`` flags).
OPT_IN_CODES: Tuple[str, ...] = ("NBX303", "NBX407")
STDIN_NAMES = ("stdin", "-", "")
NETBOX, LDAP = "netbox", "ldap"  # the kinds of file (the same as rules.base.NETBOX, LDAP)


@dataclass(frozen=True)
class Settings:
    """The options of one run, as flake8's ``--netbox-*`` options and selection give them."""

    release: Release = DEFAULT_RELEASE
    #: File name patterns checked as configurations (``--netbox-files`` adds to the defaults).
    patterns: Tuple[str, ...] = DEFAULT_PATTERNS
    #: Opt-in codes the user selected by name (``--extend-select NBX303``).
    opt_in: FrozenSet[str] = frozenset()
    #: Absolute paths named on the flake8-netbox command line: checked whatever their name.
    named_files: FrozenSet[str] = frozenset()
    #: Report missing settings in configuration.py inside a "configuration" folder too.
    complete_parts: bool = False
    #: Settings bound by other files of the configuration folder (flake8-netbox --config-dir).
    dir_bound: FrozenSet[str] = frozenset()
    #: The folder's main file, absolute (flake8-netbox --config-dir): the one file that
    #: judges what the configuration lacks; "" otherwise.
    dir_main: str = ""


def settings_from_options(options: argparse.Namespace) -> Settings:
    """The ``Settings`` of flake8's parsed ``options`` (missing attributes take defaults, so a
    namespace without this plugin's options gives the default settings)."""
    release = getattr(options, "netbox_version", DEFAULT_RELEASE)
    release = release if isinstance(release, Release) else parse_release(str(release))
    extra = [p.strip() for p in getattr(options, "netbox_files", None) or () if p.strip()]
    main = getattr(options, "netbox_dir_main", None) or ""
    named: Sequence[str] = ()
    if getattr(options, "netbox_named_files", False):
        named = getattr(options, "filenames", None) or ()
    return Settings(
        release=release,
        patterns=DEFAULT_PATTERNS + tuple(extra),
        opt_in=opt_in_selected(options),
        named_files=frozenset(os.path.abspath(name) for name in named
                              if name not in STDIN_NAMES and os.path.isfile(name)),
        complete_parts=bool(getattr(options, "netbox_complete_parts", False)),
        dir_bound=frozenset(getattr(options, "netbox_dir_bound", None) or ()),
        dir_main=os.path.abspath(main) if main else "",
    )


def opt_in_selected(options: argparse.Namespace) -> FrozenSet[str]:
    """Opt-in codes named in --select/--extend-select (the code itself, or a prefix of at least
    five characters such as NBX30). flake8 lets any explicit selection, even ``--select NBX``,
    override its default ignore list; like flake8-bugbear's B9 codes, opt-in codes here need
    to be asked for by name."""
    chosen = [*(getattr(options, "select", None) or ()),
              *(getattr(options, "extend_select", None) or ())]
    return frozenset(code for code in OPT_IN_CODES
                     if any(len(prefix) >= 5 and code.startswith(prefix) for prefix in chosen))


# -- which files are configurations -----------------------------------------------------------

def file_kind(filename: str, tree: Any, settings: Settings) -> Optional[str]:
    """"netbox" (configuration.py), "ldap" (ldap_config.py), or None: not checked. ``tree`` is
    the file's ``ast`` module (only its top-level bindings are looked at)."""
    if filename in STDIN_NAMES:  # a buffer without a name: recognised by content
        if looks_like_configuration(tree, strict=True):
            return NETBOX
        return LDAP if looks_like_ldap_configuration(tree) else None
    if not matches(filename, settings.patterns) and not (
            settings.named_files and os.path.abspath(filename) in settings.named_files):
        return None
    names = set(bound_names(tree)) | written_after_star_import(tree)
    base = _base(filename)
    if base == "configuration.py":
        return NETBOX if names & RECOGNISING_NAMES else None
    ldap_names = any(n.startswith(("AUTH_LDAP_", "LDAP_")) for n in names)
    if base == "ldap_config.py" or (ldap_names and not names & RECOGNISING_NAMES):
        return LDAP if ldap_names else None
    # Another file the user pointed at (extra patterns, or named on the command line): a
    # configuration, or a part of one (extra.py, plugins.py), if it sets any NetBox setting.
    if names & RECOGNISING_NAMES:
        return NETBOX
    from flake8_netbox.netbox import known_names

    return NETBOX if names & known_names() else None


def is_whole(filename: str, settings: Settings) -> bool:
    """Missing settings are judged only in configuration.py (or stdin), and not in one
    that sits in the container images' "configuration" folder beside the files that
    complete it, unless asked (--netbox-complete-parts, or flake8-netbox --config-dir)."""
    if filename in STDIN_NAMES:
        return True
    if settings.dir_main:  # one configuration folder: judged once, on its main file
        return os.path.abspath(filename) == settings.dir_main
    if _base(filename) not in ("configuration.py", "ldap_config.py"):
        return False
    folder = os.path.basename(os.path.dirname(os.path.abspath(filename)))
    return settings.complete_parts or folder != "configuration" or \
        _base(filename) == "ldap_config.py"


def _base(filename: str) -> str:
    return filename.replace("\\", "/").rsplit("/", 1)[-1]


def matches(filename: str, patterns: Sequence[str]) -> bool:
    path = filename.replace(os.sep, "/").replace("\\", "/")
    base = path.rsplit("/", 1)[-1]
    for pattern in patterns:
        if "/" in pattern:
            if fnmatchcase(path, pattern) or fnmatchcase(path, "*/" + pattern.lstrip("/")):
                return True
        elif fnmatchcase(base, pattern):
            return True
    return False


def bound_names(tree: Any) -> List[str]:
    """Names the module binds at its top level, including inside if/try/with blocks."""
    names: List[str] = []
    pending = list(getattr(tree, "body", ()))
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
            while targets:
                target = targets.pop()
                if isinstance(target, ast.Name):
                    names.append(target.id)
                elif isinstance(target, (ast.Tuple, ast.List)):
                    targets.extend(target.elts)
                elif isinstance(target, ast.Starred):
                    targets.append(target.value)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                block = getattr(node, field, None)
                if isinstance(block, list) and not isinstance(
                        node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    pending.extend(block)
    return names


def written_after_star_import(tree: Any) -> Set[str]:
    """Names a module that star-imports its base (``from .base import *``) writes into at its
    top level (``DATABASE['PASSWORD'] = ...``): such a file sets those settings too."""
    body = list(getattr(tree, "body", ()))
    if not any(isinstance(node, ast.ImportFrom) and node.names[0].name == "*" for node in body):
        return set()
    names: Set[str] = set()
    for node in body:
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AugAssign) else []
        for target in targets:
            while isinstance(target, ast.Subscript):
                target = target.value
                if isinstance(target, ast.Name):
                    names.add(target.id)
    return names


def looks_like_ldap_configuration(tree: Any) -> bool:
    """An ldap_config.py without its name: binds AUTH_LDAP_SERVER_URI (NetBox refuses LDAP
    without it) and none of the settings a NetBox configuration or a Django project's
    settings.py binds (a Django project using django-auth-ldap sets AUTH_LDAP_* there)."""
    names = set(bound_names(tree))
    return "AUTH_LDAP_SERVER_URI" in names and not names & RECOGNISING_NAMES


def looks_like_configuration(tree: Any, strict: bool) -> bool:
    """Binds one of NetBox's required settings; from anonymous stdin, REDIS and another one
    (a Django project's settings.py binds ALLOWED_HOSTS and SECRET_KEY too)."""
    found = RECOGNISING_NAMES.intersection(bound_names(tree))
    if strict:
        return "REDIS" in found and len(found) >= 2
    return bool(found)
