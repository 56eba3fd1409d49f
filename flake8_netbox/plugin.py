"""The flake8 adapter: options, which files are NetBox configurations, a run() that never raises.

flake8 imports this module in every run, for every repository, so it imports nothing heavy:
libcst is loaded by ``checker`` only once a file has been recognised as a configuration.
"""

from __future__ import annotations

import argparse
import ast
from typing import Any, ClassVar, FrozenSet, Iterator, Optional, Sequence, Tuple

from flake8_netbox import __version__
from flake8_netbox.releases import DEFAULT_RELEASE, Release, parse_release
from flake8_netbox.settings import (DEFAULT_PATTERNS, LDAP, NETBOX, OPT_IN_CODES,  # noqa: F401
                                    RECOGNISING_NAMES, STDIN_NAMES, Settings, bound_names,
                                    file_kind, is_whole, looks_like_configuration,
                                    looks_like_ldap_configuration, matches, opt_in_selected,
                                    settings_from_options, written_after_star_import)

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
    #: All of the above as one value (settings.Settings), shared with the language server.
    settings: ClassVar[Settings] = Settings()

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
        settings = settings_from_options(options)
        cls.settings = settings
        cls.release = settings.release
        cls.patterns = settings.patterns
        cls.opt_in = settings.opt_in
        cls.complete_parts = settings.complete_parts
        cls.dir_bound = settings.dir_bound
        cls.named_files = settings.named_files
        cls.dir_main = settings.dir_main

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
        return file_kind(self.filename, self.tree, self._settings())

    def is_whole(self) -> bool:
        """Missing settings are judged only in a whole configuration (see settings.is_whole)."""
        return is_whole(self.filename, self._settings())

    def _settings(self) -> Settings:
        """The settings of this run (the ClassVars, which tests and commands may set)."""
        return Settings(self.release, self.patterns, self.opt_in, self.named_files,
                        self.complete_parts, self.dir_bound, self.dir_main)
