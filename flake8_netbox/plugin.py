"""The flake8 adapter: options, which files are NetBox configurations, a run() that never raises.

flake8 imports this module in every run, for every repository, so it imports nothing heavy:
libcst is loaded by ``checker`` only once a file has been recognised as a configuration.
"""

from __future__ import annotations

import argparse
import ast
import os
from fnmatch import fnmatchcase
from typing import Any, ClassVar, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple

from flake8_netbox import __version__
from flake8_netbox.releases import DEFAULT_RELEASE, Release, parse_release

DEFAULT_PATTERNS: Tuple[str, ...] = ("configuration.py", "ldap_config.py")
#: Names whose presence makes a file look like a NetBox configuration.
RECOGNISING_NAMES = frozenset({"ALLOWED_HOSTS", "DATABASE", "DATABASES", "SECRET_KEY", "REDIS"})
#: Codes that are off unless selected (kept here so that flake8 start-up needs no rule import;
#: tests check it against the rules' ``opt_in`` flags).
OPT_IN_CODES: Tuple[str, ...] = ("NBX303", "NBX407")
STDIN_NAMES = ("stdin", "-", "")
NETBOX, LDAP = "netbox", "ldap"  # the kinds of file (the same as rules.base.NETBOX, LDAP)

Result = Tuple[int, int, str, type]


def release_option(text: str) -> Release:
    """argparse type for ``--netbox-version``: a clear usage error instead of a traceback."""
    try:
        return parse_release(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class NetBoxPlugin:
    """flake8 plugin entry point (``NBX``)."""

    name = "flake8-netbox"
    version = __version__

    release: ClassVar[Release] = DEFAULT_RELEASE
    patterns: ClassVar[Tuple[str, ...]] = DEFAULT_PATTERNS
    #: Opt-in codes the user selected by name (``--extend-select NBX303``).
    opt_in: ClassVar[FrozenSet[str]] = frozenset()
    #: Files named on the flake8-netbox command line: checked whatever their name.
    named_files: ClassVar[FrozenSet[str]] = frozenset()
    #: Report missing settings in configuration.py inside a "configuration" folder too.
    complete_parts: ClassVar[bool] = False
    #: Settings bound by other files of the configuration folder (flake8-netbox --config-dir).
    dir_bound: ClassVar[FrozenSet[str]] = frozenset()
    #: The folder's main file (flake8-netbox --config-dir): the one file that judges what the
    #: configuration lacks.
    dir_main: ClassVar[str] = ""

    def __init__(self, tree: ast.AST, filename: str = "stdin",
                 lines: Optional[Sequence[str]] = None) -> None:
        self.tree = tree
        self.filename = filename or "stdin"
        self.lines = lines

    @classmethod
    def add_options(cls, manager: Any) -> None:
        manager.add_option(
            "--netbox-version",
            default=str(DEFAULT_RELEASE),
            type=release_option,
            parse_from_config=True,
            metavar="X.Y",
            help="NetBox release the configuration is for (default: %(default)s). "
                 "It decides the required settings and the REDIS layout.",
        )
        manager.add_option(
            "--netbox-files",
            default="",
            comma_separated_list=True,
            parse_from_config=True,
            metavar="PATTERNS",
            help="Extra file name patterns checked as NetBox configurations besides "
                 "configuration.py, e.g. 'configuration_*.py,netbox_settings.py'. A pattern "
                 "with a '/' matches the end of the path.",
        )
        manager.add_option(
            "--netbox-named-files",
            action="store_true",
            default=False,
            help=argparse.SUPPRESS,  # set by the flake8-netbox command: files named on its
        )                            # command line are checked by content, whatever their name
        manager.add_option(
            "--netbox-complete-parts",
            action="store_true",
            default=False,
            parse_from_config=True,
            help="Report settings missing from a configuration.py that sits in a folder named "
                 "'configuration' (the container images' split layout), as for any other "
                 "configuration.py.",
        )
        manager.add_option(
            "--netbox-dir-bound",
            default="",
            comma_separated_list=True,
            help=argparse.SUPPRESS,  # set by flake8-netbox --config-dir
        )
        manager.add_option(
            "--netbox-dir-main",
            default="",
            help=argparse.SUPPRESS,  # set by flake8-netbox --config-dir
        )
        if OPT_IN_CODES:
            manager.extend_default_ignore(list(OPT_IN_CODES))

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        release = getattr(options, "netbox_version", DEFAULT_RELEASE)
        cls.release = release if isinstance(release, Release) else parse_release(str(release))
        extra = [p.strip() for p in getattr(options, "netbox_files", None) or () if p.strip()]
        cls.patterns = DEFAULT_PATTERNS + tuple(extra)
        cls.opt_in = opt_in_selected(options)
        cls.complete_parts = bool(getattr(options, "netbox_complete_parts", False))
        cls.dir_bound = frozenset(getattr(options, "netbox_dir_bound", None) or ())
        main = getattr(options, "netbox_dir_main", None) or ""
        cls.dir_main = os.path.abspath(main) if main else ""
        named: Sequence[str] = ()
        if getattr(options, "netbox_named_files", False):
            named = getattr(options, "filenames", None) or ()
        cls.named_files = frozenset(os.path.abspath(name) for name in named
                                    if name not in STDIN_NAMES and os.path.isfile(name))

    def run(self) -> Iterator[Result]:
        try:
            kind = self.kind()
            if kind is None:
                return
            from flake8_netbox.checker import check_source

            source = "".join(self.lines or ())
            tree = self.tree if isinstance(self.tree, ast.Module) else None
            results = check_source(source, self.release, tree, opt_in=self.opt_in, kind=kind,
                                   whole=self.is_whole(), bound_elsewhere=self.dir_bound)
        except (Exception, RecursionError) as error:  # never abort the user's whole lint run
            yield (1, 0, f"NBX000 flake8-netbox could not check this file "
                         f"({type(error).__name__}); please report it with the output of "
                         "`flake8 --bug-report`", type(self))
            return
        for line, column, message in results:
            yield line, column, message, type(self)

    # -- which files are configurations -------------------------------------------------------

    def kind(self) -> Optional[str]:
        """"netbox" (configuration.py), "ldap" (ldap_config.py), or None: not checked."""
        if self.filename in STDIN_NAMES:  # a buffer without a name: recognised by content
            if looks_like_configuration(self.tree, strict=True):
                return NETBOX
            return LDAP if looks_like_ldap_configuration(self.tree) else None
        if not matches(self.filename, self.patterns) and not (
                self.named_files and os.path.abspath(self.filename) in self.named_files):
            return None
        names = set(bound_names(self.tree)) | written_after_star_import(self.tree)
        base = _base(self.filename)
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

    def is_whole(self) -> bool:
        """Missing settings are judged only in configuration.py (or stdin), and not in one
        that sits in the container images' "configuration" folder beside the files that
        complete it, unless asked (--netbox-complete-parts, or flake8-netbox --config-dir)."""
        if self.filename in STDIN_NAMES:
            return True
        if self.dir_main:  # one configuration folder: judged once, on its main file
            return os.path.abspath(self.filename) == self.dir_main
        if _base(self.filename) not in ("configuration.py", "ldap_config.py"):
            return False
        folder = os.path.basename(os.path.dirname(os.path.abspath(self.filename)))
        return self.complete_parts or folder != "configuration" or \
            _base(self.filename) == "ldap_config.py"


def opt_in_selected(options: argparse.Namespace) -> FrozenSet[str]:
    """Opt-in codes named in --select/--extend-select (the code itself, or a prefix of at least
    five characters such as NBX30). flake8 lets any explicit selection, even ``--select NBX``,
    override its default ignore list; like flake8-bugbear's B9 codes, opt-in codes here need
    to be asked for by name."""
    chosen = [*(getattr(options, "select", None) or ()),
              *(getattr(options, "extend_select", None) or ())]
    return frozenset(code for code in OPT_IN_CODES
                     if any(len(prefix) >= 5 and code.startswith(prefix) for prefix in chosen))


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


def looks_like_ldap_configuration(tree: Any) -> bool:
    """An ldap_config.py without its name: binds AUTH_LDAP_SERVER_URI (NetBox refuses LDAP
    without it) and none of the settings a NetBox configuration or a Django project's
    settings.py binds (a Django project using django-auth-ldap sets AUTH_LDAP_* there)."""
    names = set(bound_names(tree))
    return "AUTH_LDAP_SERVER_URI" in names and not names & RECOGNISING_NAMES


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


def looks_like_configuration(tree: Any, strict: bool) -> bool:
    """Binds one of NetBox's required settings; from anonymous stdin, REDIS and another one
    (a Django project's settings.py binds ALLOWED_HOSTS and SECRET_KEY too)."""
    found = RECOGNISING_NAMES.intersection(bound_names(tree))
    if strict:
        return "REDIS" in found and len(found) >= 2
    return bool(found)
