"""Generate flake8_netbox/parameters.py from NetBox's own source at every release.

Usage (one command per new release, then review the printed changes):

    python tools/gen_release_table.py --repo PATH/TO/netbox.git [--wheels DIR] \
        > flake8_netbox/parameters.py

``--repo`` is a clone of netbox-community/netbox (bare is fine): every tag ``vX.Y.Z`` from
v2.6.0 on is read with ``git show``/``git grep``. ``--wheels`` is a folder holding NetBox's PyPI
wheels (``netbox-X.Y.Z-py3-none-any.whl``, e.g. from ``pip download --no-deps netbox==X.Y.Z``):
releases published as wheels (4.7.0 on) are read from the wheel, which holds the same
``netbox/`` tree as the repository's ``netbox/`` folder. A release present in both is read from
the wheel. A summary of what changed between releases goes to standard error for review.

What counts as "read" is "has an effect": a top-level name of configuration.py counts for a
release when that release's settings.py takes it from the configuration module
(``getattr(configuration, NAME, ...)``, ``configuration.NAME``, a dynamic ``ConfigParam`` that
settings.py copies when present, or a name listed as required) AND the value then reaches
something: the setting it is stored in is used by settings.py itself, named anywhere else in
NetBox's code or templates, or consumed by name by Django or a library (:data:`CONSUMED`).
A name that settings.py only tests with ``hasattr`` to warn that it is gone (CACHE_TIMEOUT in
3.0), or still declares while nothing uses it (NAPALM_* from 3.5), does not count.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

SETTINGS = "netbox/settings.py"  # relative to the netbox/ source folder
#: Folders and files whose mention of a name is not a use: tests, migrations, the example and
#: testing configurations, the dynamic parameters' own declarations.
NOT_A_USE = re.compile(
    r"(^|/)(tests?|migrations)/|configuration[._](example|testing)\.py$|/config/parameters\.py$"
    r"|^netbox/settings\.py$")
#: Settings consumed by name by Django or a library NetBox passes its settings to (a name
#: settings.py stores and nothing in NetBox reads may still have an effect through these).
CONSUMED_PREFIXES = ("SOCIAL_AUTH_", "CORS_", "CSRF_", "SESSION_", "SECURE_", "EMAIL_",
                     "AUTH_LDAP_", "RQ_", "DATA_UPLOAD_", "FILE_UPLOAD_", "LANGUAGE_")
CONSUMED = frozenset({
    # django.conf.global_settings (the names NetBox's configuration can reach)
    "ADMINS", "ALLOWED_HOSTS", "AUTH_PASSWORD_VALIDATORS", "CACHES", "DATABASES",
    "DATABASE_ROUTERS", "DATE_FORMAT", "DATETIME_FORMAT", "DEBUG", "DEFAULT_FROM_EMAIL",
    "INTERNAL_IPS", "LOGGING", "LOGIN_URL", "LOGOUT_REDIRECT_URL", "MEDIA_ROOT",
    "SECRET_KEY", "SERVER_EMAIL", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "STORAGES",
    "TIME_FORMAT", "TIME_ZONE", "USE_X_FORWARDED_HOST", "USE_TZ", "STATIC_ROOT",
    "SESSION_ENGINE", "SESSION_FILE_PATH", "SESSION_COOKIE_AGE", "DEFAULT_FILE_STORAGE",
    "X_FRAME_OPTIONS", "CSRF_TRUSTED_ORIGINS", "LOGIN_REDIRECT_URL",
})

_TAG = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")
_WHEEL = re.compile(r"^netbox-(\d+)\.(\d+)\.(\d+)-py3-none-any\.whl$")
Version = Tuple[int, int, int]


class Source:
    """One release's netbox/ source folder: read a file, search every text file."""

    def read(self, path: str) -> Optional[str]:
        raise NotImplementedError

    def files(self) -> Iterable[Tuple[str, str]]:
        """(path, text) of every .py and .html file (paths relative to netbox/)."""
        raise NotImplementedError


class GitSource(Source):
    def __init__(self, repo: str, tag: str) -> None:
        self.repo, self.tag = repo, tag

    def read(self, path: str) -> Optional[str]:
        proc = subprocess.run(["git", "-C", self.repo, "show", f"{self.tag}:netbox/{path}"],
                              capture_output=True)
        return proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else None

    def grep(self, words: Iterable[str]) -> Dict[str, Set[str]]:
        """word -> paths (relative to netbox/) that name it, through ``git grep``."""
        pattern = r"\b(" + "|".join(sorted(words)) + r")\b"
        proc = subprocess.run(["git", "-C", self.repo, "grep", "-o", "-E", pattern, self.tag,
                               "--", "netbox/*.py", "netbox/*.html"], capture_output=True)
        found: Dict[str, Set[str]] = {}
        for line in proc.stdout.decode("utf-8", "replace").splitlines():
            _tag, path, word = line.split(":", 2)
            found.setdefault(word, set()).add(path[len("netbox/"):])
        return found


class WheelSource(Source):
    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        self.names = set(self.zip.namelist())

    def read(self, path: str) -> Optional[str]:
        return self.zip.read(path).decode("utf-8", "replace") if path in self.names else None

    def grep(self, words: Iterable[str]) -> Dict[str, Set[str]]:
        pattern = re.compile(r"\b(" + "|".join(sorted(words)) + r")\b")
        found: Dict[str, Set[str]] = {}
        for name in self.names:
            if name.endswith((".py", ".html")) and ".dist-info/" not in name:
                for word in set(pattern.findall(self.zip.read(name).decode("utf-8", "replace"))):
                    found.setdefault(word, set()).add(name)
        return found


@dataclass
class Read:
    """How one release's settings.py takes one configuration name."""

    name: str
    targets: Set[str] = field(default_factory=set)  # settings it is stored in
    dynamic: bool = False  # a ConfigParam (also editable in the UI)
    warn_only: bool = False  # only tested with hasattr() to warn
    default: Optional[str] = None  # source text of the default, when a literal-ish expression


def _is_configuration(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "configuration"


def _const_str(node: ast.AST) -> Optional[str]:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _warns_only(body: List[ast.stmt]) -> bool:
    """Does an ``if`` body do nothing but warn (warnings.warn, logger.warning, print)?"""
    for stmt in body:
        if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
            return False
        func = stmt.value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in {"warn", "warning", "print"}:
            return False
    return True


def settings_reads(settings: str, dynamic: Iterable[str]) -> Dict[str, Read]:
    """Every configuration name ``settings`` (settings.py's text) takes, and where it goes."""
    tree = ast.parse(settings)
    reads: Dict[str, Read] = {}
    warn_tests: Set[int] = set()  # ids of hasattr() calls that only guard a warning

    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _warns_only(node.body) and not node.orelse:
            for sub in ast.walk(node.test):
                warn_tests.add(id(sub))

    def target_of(stmt: ast.stmt) -> Set[str]:
        if isinstance(stmt, ast.Assign):
            return {t.id for t in stmt.targets if isinstance(t, ast.Name)}
        if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) and isinstance(stmt.target, ast.Name):
            return {stmt.target.id}
        return set()

    for stmt in ast.walk(tree):
        if not isinstance(stmt, ast.stmt):
            continue
        for node in ast.iter_child_nodes(stmt):
            for sub in ast.walk(node):
                name: Optional[str] = None
                if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and \
                        sub.func.id in ("getattr", "hasattr") and len(sub.args) >= 2 and \
                        _is_configuration(sub.args[0]):
                    name = _const_str(sub.args[1])
                    if name is None:
                        continue
                    read = reads.setdefault(name, Read(name, warn_only=True))
                    if sub.func.id == "hasattr" and id(sub) in warn_tests:
                        continue
                    read.warn_only = False
                    if sub.func.id == "getattr":
                        read.targets |= target_of(stmt) or {name}
                        if len(sub.args) == 3 and read.default is None:
                            read.default = ast.unparse(sub.args[2]) if hasattr(ast, "unparse") \
                                else None
                    else:
                        read.targets.add(name)
                elif isinstance(sub, ast.Attribute) and _is_configuration(sub.value) and \
                        isinstance(sub.ctx, ast.Load):
                    read = reads.setdefault(sub.attr, Read(sub.attr))
                    read.warn_only = False
                    read.targets |= target_of(stmt) or {sub.attr}
    # 2.x: ``for parameter in ['ALLOWED_HOSTS', ...]: if not hasattr(configuration, parameter)``
    for node in ast.walk(tree):
        if isinstance(node, ast.For) and isinstance(node.iter, (ast.List, ast.Tuple)) and any(
                isinstance(sub, ast.Call) and getattr(sub.func, "id", "") == "hasattr" and
                sub.args and _is_configuration(sub.args[0]) for sub in ast.walk(node)):
            for element in node.iter.elts:
                name = _const_str(element)
                if name:
                    read = reads.setdefault(name, Read(name))
                    read.warn_only = False
                    read.targets.add(name)
    for name in dynamic:
        read = reads.setdefault(name, Read(name))
        read.dynamic, read.warn_only = True, False
        read.targets.add(name)
    reads.pop("SOCIAL_AUTH_", None)
    return reads


def dynamic_params(source: Source) -> Dict[str, Optional[str]]:
    """ConfigParam names (and their default's source text) of a release (3.0+)."""
    found: Dict[str, Optional[str]] = {}
    for path in ("netbox/config/parameters.py",):
        text = source.read(path)
        if not text:
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ConfigParam":
                keywords = {kw.arg: kw.value for kw in node.keywords}
                name = _const_str(keywords["name"]) if "name" in keywords else None
                if name:
                    default = keywords.get("default")
                    found[name] = ast.unparse(default) if default is not None and \
                        hasattr(ast, "unparse") else None
    return found


def loaded_in_settings(settings: str) -> Set[str]:
    """Names settings.py loads in statements other than the ones storing them: a setting used
    by settings.py itself (``if BASE_PATH:``, ``DATABASES = {'default': DATABASE}``) has an
    effect there. A statement ``X = f(X)`` only stores X again."""
    loaded: Set[str] = set()
    for stmt in ast.walk(ast.parse(settings)):
        if not isinstance(stmt, ast.stmt) or isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
            continue
        stored = {t.id for t in stmt.targets if isinstance(t, ast.Name)} \
            if isinstance(stmt, ast.Assign) else set()
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.stmt):
                continue  # nested statements are visited on their own
            for sub in ast.walk(child):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and \
                        sub.id not in stored:
                    loaded.add(sub.id)
    return loaded


def has_effect(read: Read, loaded: Set[str], mentions: Dict[str, Set[str]]) -> bool:
    for target in read.targets:
        if target in CONSUMED or target.startswith(CONSUMED_PREFIXES):
            return True
        if target in loaded:
            return True
        if any(not NOT_A_USE.search(path) for path in mentions.get(target, ())):
            return True
    return False


@dataclass
class Release:
    version: Version
    effective: Dict[str, Read]
    ignored: Dict[str, Read]  # read, but without effect (warn-only or unused)


def analyse(version: Version, source: Source) -> Release:
    settings = source.read(SETTINGS)
    assert settings is not None, f"no settings.py in {version}"
    dynamic = dynamic_params(source)
    reads = settings_reads(settings, dynamic)
    for name, default in dynamic.items():
        if reads[name].default is None:
            reads[name].default = default
    targets = {t for read in reads.values() for t in read.targets}
    mentions = source.grep(targets) if targets else {}  # type: ignore[attr-defined]
    loaded = loaded_in_settings(settings)
    effective, ignored = {}, {}
    for name, read in reads.items():
        if not read.warn_only and has_effect(read, loaded, mentions):
            effective[name] = read
        else:
            ignored[name] = read
    return Release(version, effective, ignored)


def sources(repo: str, wheels: Optional[str]) -> List[Tuple[Version, Source]]:
    found: Dict[Version, Source] = {}
    tags = subprocess.run(["git", "-C", repo, "tag"], capture_output=True, text=True,
                          check=True).stdout.split()
    for tag in tags:
        match = _TAG.match(tag)
        if match:
            version = tuple(int(part) for part in match.groups())
            if version >= (2, 6, 0):
                found[version] = GitSource(repo, tag)  # type: ignore[index]
    if wheels:
        for path in Path(wheels).iterdir():
            match = _WHEEL.match(path.name)
            if match:
                version = tuple(int(part) for part in match.groups())
                found[version] = WheelSource(path)  # type: ignore[index]
    return sorted(found.items())


def _text(version: Version) -> str:
    return ".".join(map(str, version))


def kind(read: Read) -> str:
    return "dynamic" if read.dynamic else "static"


def type_of(default: Optional[str]) -> str:
    """The kind of value NetBox's default is: bool, int, str, list, dict, tuple, None or ''."""
    if default is None:
        return ""
    try:
        node = ast.parse(default, mode="eval").body
    except SyntaxError:
        return ""
    if isinstance(node, ast.Constant):
        return "None" if node.value is None else type(node.value).__name__
    return {ast.List: "list", ast.Dict: "dict", ast.Tuple: "tuple", ast.Set: "set"}.get(
        type(node), "")


def spans(present: List[bool], versions: List[Version]) -> List[Tuple[str, Optional[str]]]:
    """Runs of releases where ``present`` is true: (first, last) with last None at the end."""
    out: List[Tuple[str, Optional[str]]] = []
    start = None
    for index, flag in enumerate(present):
        if flag and start is None:
            start = index
        if not flag and start is not None:
            out.append((_text(versions[start]), _text(versions[index - 1])))
            start = None
    if start is not None:
        out.append((_text(versions[start]), None))
    return out


def render(releases: List[Release]) -> str:
    versions = [release.version for release in releases]
    names = sorted({name for release in releases for name in release.effective})
    out = io.StringIO()
    newest = _text(versions[-1])
    out.write(f'''"""Every top-level name NetBox takes from configuration.py with an effect, per
release.

Generated by tools/gen_release_table.py from NetBox's own source at every release tag (2.6.0 to
{newest}); do not edit by hand. A name counts for a release when its value reaches something
(see the generator's docstring): names a release only warns about, or declares without using,
do not.

PARAMETERS rows: (name, kind, spans) where kind is "static" (settings.py) or "dynamic" (a
ConfigParam, also editable in the UI) as of the newest release reading it, and spans are
(first, last) releases reading it, last None when {newest} still reads it.
DEFAULTS rows: (name, first, type, default): from release ``first`` on (until the next row of
the same name) NetBox's default is the Python expression ``default`` of kind ``type`` (bool, int,
str, list, dict, tuple, None, or '' when it is computed).
IGNORED rows: (name, first, last, why): releases whose settings.py still names it without
effect ("warns" when it only warns that the name is gone, "unused" when nothing uses it).
"""

from typing import Optional, Tuple

NEWEST = {newest!r}
RELEASES: Tuple[str, ...] = (
''')
    for version in versions:
        out.write(f"    {_text(version)!r},\n")
    out.write(")\n\nSpans = Tuple[Tuple[str, Optional[str]], ...]\n"
              "PARAMETERS: Tuple[Tuple[str, str, Spans], ...] = (\n")
    for name in names:
        present = [name in release.effective for release in releases]
        last = max(i for i, flag in enumerate(present) if flag)
        row = (name, kind(releases[last].effective[name]), tuple(spans(present, versions)))
        out.write(f"    {row!r},\n")
    out.write(")\n\nDEFAULTS: Tuple[Tuple[str, str, str, str], ...] = (\n")
    for name in names:
        previous = None
        for release in releases:
            read = release.effective.get(name)
            if read is None or read.default is None:
                continue
            current = (type_of(read.default), read.default)
            if current != previous:
                default = read.default if len(read.default) <= 200 else "..."
                out.write(f"    {(name, _text(release.version), current[0], default)!r},\n")
                previous = current
    out.write(")\n\nIGNORED: Tuple[Tuple[str, str, str, str], ...] = (\n")
    ignored_names = sorted({name for release in releases for name in release.ignored})
    for name in ignored_names:
        for why in ("warns", "unused"):
            present = [name in release.ignored and
                       release.ignored[name].warn_only == (why == "warns")
                       for release in releases]
            for first, last in spans(present, versions):
                out.write(f"    {(name, first, last or newest, why)!r},\n")
    out.write(")\n")
    return out.getvalue()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", required=True, help="a clone of netbox-community/netbox")
    parser.add_argument("--wheels", help="a folder of NetBox wheels (4.7.0 on)")
    args = parser.parse_args(argv)
    releases = []
    for version, source in sources(args.repo, args.wheels):
        releases.append(analyse(version, source))
        previous = releases[-2] if len(releases) > 1 else None
        if previous is not None:
            gained = sorted(set(releases[-1].effective) - set(previous.effective))
            lost = sorted(set(previous.effective) - set(releases[-1].effective))
            if gained or lost:
                print(f"{_text(version)}: +{gained} -{lost}", file=sys.stderr)
    sys.stdout.write(render(releases))
    return 0


if __name__ == "__main__":
    sys.exit(main())
