"""The options of one project, as flake8 reads them, with the editor's settings on top.

The project's flake8 configuration (setup.cfg, tox.ini or .flake8, found the way flake8 finds
it, from the document's folder upwards) is parsed by flake8 itself, with the editor's settings
(``initializationOptions``, ``workspace/didChangeConfiguration``) given as command-line options
after it, so they win as they would on flake8's command line. As with the ``flake8-netbox``
command, NBX codes are selected whatever the project selects for other plugins; its ``ignore``,
``per-file-ignores`` and ``# noqa`` comments are honoured through flake8's own code.
"""

from __future__ import annotations

import os
import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from flake8_netbox.checker import Placed
from flake8_netbox.settings import Settings, settings_from_options

#: Editor settings and the flake8 option each stands for (keys are matched ignoring case,
#: dashes and underscores: ``netboxVersion``, ``netbox-version`` and ``netbox_version`` agree).
FLAKE8_OPTIONS: Dict[str, str] = {
    "netboxversion": "--netbox-version",
    "netboxfiles": "--netbox-files",
    "netboxcompleteparts": "--netbox-complete-parts",
    "select": "--select",
    "extendselect": "--extend-select",
    "ignore": "--ignore",
    "extendignore": "--extend-ignore",
    "perfileignores": "--per-file-ignores",
    "disablenoqa": "--disable-noqa",
    "config": "--config",
}
#: Flags (no value): given when the setting is true.
FLAGS = frozenset({"--netbox-complete-parts", "--disable-noqa"})


def normalise(settings: Any) -> Dict[str, Any]:
    """The editor's settings as {normalised key: value}; a ``flake8-netbox`` (or
    ``flake8_netbox``) section is looked into first. Anything but a dict gives {}."""
    if not isinstance(settings, Mapping):
        return {}
    for section in ("flake8-netbox", "flake8_netbox", "flake8Netbox"):
        inner = settings.get(section)
        if isinstance(inner, Mapping):
            settings = inner
            break
    return {re.sub(r"[-_]", "", str(key)).lower(): value for key, value in settings.items()}


def arguments(editor: Mapping[str, Any]) -> List[str]:
    """flake8 command-line arguments for the editor's (normalised) settings."""
    args: List[str] = []
    for key, flag in FLAKE8_OPTIONS.items():
        value = editor.get(key)
        if value is None or value == "" or value is False:
            continue
        if flag in FLAGS:
            if value is True:
                args.append(flag)
            continue
        if isinstance(value, (list, tuple)):
            value = ",".join(str(item) for item in value)
        args.append(f"{flag}={value}")
    return args


def find_config(folder: str) -> Optional[str]:
    """The flake8 configuration file flake8 would use when run in ``folder``, or None."""
    try:
        from flake8.options.config import _find_config_file
    except ImportError:  # pragma: no cover - flake8 renamed its helper
        return None
    try:
        return _find_config_file(folder)
    except OSError:
        return None


class ProjectOptions:
    """flake8's parsed options for one configuration file and the editor's settings."""

    def __init__(self, config: Optional[str], editor: Mapping[str, Any],
                 isolated: bool = False) -> None:
        from flake8.main.application import Application

        args = ["--select=NBX"] + (["--isolated"] if isolated else [])
        if config is not None and "config" not in editor and not isolated:
            args.append(f"--config={config}")
        args += [] if isolated else arguments(editor)
        self.args = args
        self.app = Application()
        self.app.initialize(args)
        self.options = self.app.options
        self.settings: Settings = settings_from_options(self.options)
        self.error: Optional[str] = None

    def reported(self, filename: str, findings: Sequence[Placed], lines: Sequence[str]
                 ) -> List[Placed]:
        """The findings flake8 would report in ``filename`` (``lines``: its text, line ends
        kept): select/ignore, per-file-ignores and ``# noqa`` decide, through flake8's own
        code (its noqa line mapping joins the lines of a multi-line string, as here)."""
        from flake8.style_guide import Decision

        guide = self.app.guide.style_guide_for(filename)
        selected = [found for found in findings
                    if guide.should_report_error(found.code) is Decision.Selected]
        if self.options.disable_noqa or not selected:
            return selected
        from flake8.processor import FileProcessor

        try:
            processor: Any = FileProcessor(filename, self.options, lines=list(lines))
        except Exception:  # pragma: no cover - flake8 could not read the lines
            processor = None
        out = []
        for found in selected:
            physical = None
            if processor is not None:
                try:
                    physical = processor.noqa_line_for(found.line)
                except Exception:  # tokenizing failed: the physical line alone
                    physical = None
            if physical is None:
                physical = lines[found.line - 1] if 0 < found.line <= len(lines) else ""
            text = found.message[len(found.code) + 1:]
            if not _violation(found.code, filename, found.line, found.column, text,
                              physical).is_inline_ignored(False):
                out.append(found)
        return out


def _violation(code: str, filename: str, line: int, column: int, text: str, physical: str
               ) -> Any:
    try:
        from flake8.violation import Violation
    except ImportError:  # flake8 5
        from flake8.style_guide import Violation  # type: ignore[attr-defined,no-redef]
    return Violation(code, filename, line, column + 1, text, physical)


class Projects:
    """ProjectOptions per configuration file, rebuilt when the editor's settings change."""

    def __init__(self) -> None:
        self.editor: Dict[str, Any] = {}
        self._cache: Dict[Optional[str], ProjectOptions] = {}
        self._configs: Dict[str, Optional[str]] = {}

    def configure(self, editor: Dict[str, Any]) -> None:
        """New editor settings (``normalise``d): every project is read again."""
        self.editor = dict(editor)
        self._cache.clear()
        self._configs.clear()

    def for_path(self, path: str) -> ProjectOptions:
        """The options for the document at ``path``. Raises SystemExit / ValueError (flake8's
        usage errors) when the configuration or the editor's settings are invalid."""
        folder = os.path.dirname(os.path.abspath(path))
        if folder not in self._configs:
            self._configs[folder] = find_config(folder)
        config = self._configs[folder]
        options = self._cache.get(config)
        if options is None:
            options = ProjectOptions(config, self.editor)
            self._cache[config] = options
        return options

    def cached(self) -> List[Tuple[Optional[str], ProjectOptions]]:
        return list(self._cache.items())
