"""The language server: diagnostics as you type, quick fixes, hover and completion for the
files the flake8 plugin checks, on top of the checker, fixer, docs and netbox modules.

Edits are debounced per document; a document's findings are published only for the version
they were computed on, and never after those of a newer version. An exception in one request
is logged through ``window/logMessage`` and answered with an LSP error: the server goes on.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import os
import traceback
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import to_fs_path

from flake8_netbox import __version__
from flake8_netbox.checker import CHECKED, Analysis, Placed, analyse
from flake8_netbox.lsp import actions
from flake8_netbox.lsp.completion import items as completion_items
from flake8_netbox.lsp.convert import LineIndex, diagnostic, syntax_diagnostic
from flake8_netbox.lsp.hover import hover_markdown
from flake8_netbox.lsp.options import ProjectOptions, Projects, normalise
from flake8_netbox.lsp.where import place_at, symbol_at
from flake8_netbox.settings import STDIN_NAMES, matches

#: Seconds an edit waits for the next one before the document is checked again. Typing is
#: slower than this; pasting, multi-cursor edits and undo bursts are coalesced.
DEBOUNCE = 0.02
#: The request reporting what the server holds (counts only, never text): for memory tests
#: and for anyone watching a long-running server.
STATE = "flake8-netbox/serverState"
F = TypeVar("F", bound=Callable[..., Any])


class NetBoxProtocol(LanguageServerProtocol):
    """pygls's protocol, forgetting each notification once it is handled.

    pygls 2.1.1 files the future of every notification whose built-in handler is a generator
    (``didOpen``, ``didChange``, ``didClose``, ``initialized``...) in ``_request_futures``
    under a fresh uuid, and removes entries only for the requests it answers or cancels: every
    edit kept a finished future with its condition and locks (RSS 64.8 to 81.5 MiB over
    10,000 edits, about 1.9 KB per edit, linear; bench/bench_lsp.py). After each notification
    the finished futures are dropped, so the table holds only what is still running.
    """

    def _handle_notification(self, method_name: str, params: Any) -> None:
        try:
            super()._handle_notification(method_name, params)
        finally:
            forget_finished(self)


def forget_finished(protocol: Any) -> int:
    """Drop the finished futures from pygls's table of running handlers; how many were
    dropped. A finished request's answer was sent by its own callback (which pops it as well),
    so only bookkeeping is lost. Does nothing if pygls no longer keeps that table."""
    futures = getattr(protocol, "_request_futures", None)
    if not isinstance(futures, dict):
        return 0
    done = [key for key, future in list(futures.items())
            if getattr(future, "done", None) is not None and future.done()]
    for key in done:
        futures.pop(key, None)
    return len(done)


def _live_futures() -> int:
    """Futures (concurrent and asyncio) alive in the process: the objects that leaked."""
    import concurrent.futures

    return sum(1 for item in gc.get_objects()
               if isinstance(item, (concurrent.futures.Future, asyncio.Future)))


class Linted(NamedTuple):
    """One version of one document, checked."""

    version: Optional[int]
    text: str
    served: bool  # a file the plugin checks (by name)
    path: str
    analysis: Analysis
    reported: Tuple[Placed, ...]  # what flake8 would report (select/ignore, noqa applied)
    diagnostics: Tuple[types.Diagnostic, ...]
    options: Optional[ProjectOptions]


class NetBoxLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("flake8-netbox", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         protocol_cls=NetBoxProtocol)
        self.projects = Projects()
        self.linted: Dict[str, Linted] = {}
        self.pending: Dict[str, "asyncio.Task[None]"] = {}
        self.published: Dict[str, int] = {}  # uri -> newest version published
        self.proposed: Dict[Tuple[str, Optional[int]], list] = {}
        self.debounce = DEBOUNCE
        self.docs_url: Optional[str] = _default_docs_url()
        self.bad_settings: Optional[str] = None
        self.initial: Dict[str, Any] = {}

    # -- errors ------------------------------------------------------------------------------

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def log_exception(self, where: str, error: BaseException) -> None:
        """The exception's type and our stack, never its message (which could quote a
        value from the document)."""
        frames = "".join(traceback.format_tb(error.__traceback__))
        self.log(f"flake8-netbox: {where} failed with {type(error).__name__}:\n{frames}",
                 types.MessageType.Error)

    def report_server_error(self, error: Exception, source: Any) -> None:
        self.log_exception("the server", error)

    # -- settings ----------------------------------------------------------------------------

    def configure(self, settings: Any, initial: bool = False) -> None:
        """Editor settings: ``initializationOptions`` (``initial``), then each
        ``didChangeConfiguration``'s on top of them (clients such as Neovim send an empty one
        right after starting, which must not undo the initialization options)."""
        if initial:
            self.initial = normalise(settings)
        editor = {**self.initial, **normalise(settings)}
        self.projects.configure(editor)
        self.proposed.clear()
        self.linted.clear()
        self.bad_settings = None
        if "debounce" in editor:
            try:
                self.debounce = max(0.0, float(editor["debounce"]) / 1000)
            except (TypeError, ValueError):
                pass
        url = editor.get("docsurl")
        if isinstance(url, str) and url:
            self.docs_url = url.split("#")[0]

    def options_for(self, path: str) -> ProjectOptions:
        """The project's options; when they are invalid, the defaults (and one message)."""
        try:
            return self.projects.for_path(path)
        except (SystemExit, Exception) as error:
            message = ("flake8-netbox: the flake8 configuration or the editor's settings for "
                       f"this project are not valid ({type(error).__name__}); using the "
                       "defaults. See the server log.")
            if self.bad_settings != message:
                self.bad_settings = message
                self.window_show_message(types.ShowMessageParams(
                    type=types.MessageType.Warning, message=message))
            return ProjectOptions(None, {}, isolated=True)

    # -- checking ----------------------------------------------------------------------------

    def lint(self, uri: str) -> Linted:
        """The current version of ``uri``, checked (once per version)."""
        document = self.workspace.get_text_document(uri)
        text = document.source
        cached = self.linted.get(uri)
        if cached is not None and cached.version == document.version and cached.text == text:
            return cached
        path = _path(uri)
        options = self.options_for(path if path not in STDIN_NAMES
                                   else os.path.join(os.getcwd(), "stdin"))
        served = path in STDIN_NAMES or matches(path, options.settings.patterns)
        analysis = analyse(text, options.settings, path) if served else Analysis("not-served")
        index = LineIndex(text)
        reported: List[Placed] = []
        diagnostics: List[types.Diagnostic] = []
        if analysis.outcome == CHECKED and analysis.findings:
            lines = text.splitlines(keepends=True)
            reported = options.reported(path, analysis.findings, lines)
            diagnostics = [diagnostic(found, index, self.docs_url) for found in reported]
        elif served and matches(path, options.settings.patterns):
            diagnostics = syntax_diagnostic(analysis, index)
        linted = Linted(document.version, text, served, path, analysis, tuple(reported),
                        tuple(diagnostics), options)
        self.linted[uri] = linted
        return linted

    def publish(self, uri: str) -> None:
        """Check the current version and publish its findings, unless a newer version's are
        out already."""
        if uri not in self.workspace.text_documents:
            return
        linted = self.lint(uri)
        version = linted.version
        if version is not None and self.published.get(uri, -1) > version:
            return
        if self.workspace.get_text_document(uri).version != version:
            return  # changed while checking: the newer version's check follows
        if version is not None:
            self.published[uri] = version
        if not linted.served:
            return
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=list(linted.diagnostics), version=version))

    def schedule(self, uri: str) -> None:
        """Check ``uri`` once edits pause for ``debounce`` seconds."""
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.pending[uri] = asyncio.ensure_future(self._later(uri))

    async def _later(self, uri: str) -> None:
        try:
            await asyncio.sleep(self.debounce)
        except asyncio.CancelledError:
            return
        self.pending.pop(uri, None)
        try:
            self.publish(uri)
        except Exception as error:
            self.log_exception("checking the document", error)

    def recheck_all(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.schedule(uri)

    def state(self) -> Dict[str, int]:
        """Sizes of everything the server and pygls keep between messages, and the live
        futures of the process (after a collection): each is bounded by the open documents
        and the messages in flight, whatever the number of edits. Counts only."""
        gc.collect()
        protocol = self.protocol
        return {
            "documents": len(self.workspace.text_documents),
            "linted": len(self.linted),
            "published": len(self.published),
            "pending": len(self.pending),
            "proposed": len(self.proposed),
            "requestFutures": len(getattr(protocol, "_request_futures", {})),
            "resultTypes": len(getattr(protocol, "_result_types", {})),
            "liveFutures": _live_futures(),
            "gcObjects": len(gc.get_objects()),
            "gcEnabled": int(gc.isenabled()),
        }


def guarded(where: str) -> Callable[[F], F]:
    """Log an exception in a request handler and answer with an LSP error (the connection
    stays up); a notification's exception is logged only."""
    def decorate(handler: F) -> F:
        @functools.wraps(handler)
        def wrapper(ls: NetBoxLanguageServer, params: Any) -> Any:
            try:
                return handler(ls, params)
            except Exception as error:
                ls.log_exception(where, error)
                if where.startswith("notification"):
                    return None
                raise JsonRpcInternalError(
                    f"flake8-netbox could not answer {where} ({type(error).__name__}); "
                    "see the server's log") from None
        return wrapper  # type: ignore[return-value]
    return decorate


def _path(uri: str) -> str:
    if not uri.startswith("file:"):
        return "stdin"
    return to_fs_path(uri) or "stdin"


def _default_docs_url() -> Optional[str]:
    """The rule reference's address: the package's "Documentation" project URL (its
    docs/rules.md), else docs/rules.md of a source checkout the package runs from (an
    editable install); None when neither is known (then ``docsUrl`` sets it)."""
    try:
        from importlib.metadata import metadata

        for entry in metadata("flake8-netbox").get_all("Project-URL") or ():
            label, _, url = entry.partition(",")
            if label.strip().lower() == "documentation":
                return url.strip().rstrip("/") + "/rules.md"
    except Exception:
        pass
    from pathlib import Path

    local = Path(__file__).resolve().parent.parent.parent / "docs" / "rules.md"
    return local.as_uri() if local.is_file() else None


def build() -> NetBoxLanguageServer:
    server = NetBoxLanguageServer()

    @server.feature(types.INITIALIZE)
    @guarded("initialize")
    def initialize(ls: NetBoxLanguageServer, params: types.InitializeParams) -> None:
        ls.configure(params.initialization_options or {}, initial=True)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @guarded("notification workspace/didChangeConfiguration")
    def did_change_configuration(ls: NetBoxLanguageServer,
                                 params: types.DidChangeConfigurationParams) -> None:
        ls.configure(params.settings or {})
        ls.recheck_all()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded("notification textDocument/didOpen")
    def did_open(ls: NetBoxLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded("notification textDocument/didChange")
    def did_change(ls: NetBoxLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @guarded("notification textDocument/didSave")
    def did_save(ls: NetBoxLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.projects.configure(ls.projects.editor)  # the flake8 configuration may have changed
        ls.linted.pop(params.text_document.uri, None)
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded("notification textDocument/didClose")
    def did_close(ls: NetBoxLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        linted = ls.linted.pop(uri, None)
        ls.published.pop(uri, None)
        for key in [key for key in ls.proposed if key[0] == uri]:
            del ls.proposed[key]
        if linted is not None and linted.served:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(STATE)
    @guarded(STATE)
    def server_state(ls: NetBoxLanguageServer, params: Any) -> Dict[str, int]:
        return ls.state()

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, actions.UPGRADE_KIND]))
    @guarded("textDocument/codeAction")
    def code_action(ls: NetBoxLanguageServer, params: types.CodeActionParams
                    ) -> Optional[List[types.CodeAction]]:
        return _code_actions(ls, params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded("textDocument/hover")
    def hover(ls: NetBoxLanguageServer, params: types.HoverParams) -> Optional[types.Hover]:
        linted = ls.lint(params.text_document.uri)
        if not linted.served or linted.analysis.tree is None or linted.options is None:
            return None
        index = LineIndex(linted.text)
        offset = index.offset(params.position)
        symbol = symbol_at(linted.text, linted.analysis.tree, offset)
        if symbol is None:
            return None
        text = hover_markdown(symbol, linted.options.settings.release, linted.reported)
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(types.MarkupKind.Markdown, text),
                           range=index.range(symbol.start, symbol.end))

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=["'", '"']))
    @guarded("textDocument/completion")
    def completion(ls: NetBoxLanguageServer, params: types.CompletionParams
                   ) -> Optional[types.CompletionList]:
        uri = params.text_document.uri
        document = ls.workspace.get_text_document(uri)
        path = _path(uri)
        options = ls.options_for(path if path not in STDIN_NAMES
                                 else os.path.join(os.getcwd(), "stdin"))
        if path not in STDIN_NAMES and not matches(path, options.settings.patterns):
            return None
        if os.path.basename(path) == "ldap_config.py":
            return None  # NetBox's setting names do not belong there
        text = document.source
        index = LineIndex(text)
        offset = index.offset(params.position)
        place = place_at(text, offset)
        if place is None:
            return None
        return types.CompletionList(is_incomplete=False, items=completion_items(
            place, options.settings.release, index, offset))

    return server


def _code_actions(ls: NetBoxLanguageServer, params: types.CodeActionParams
                  ) -> Optional[List[types.CodeAction]]:
    from flake8_netbox.fixer import fix_source, proposals
    from flake8_netbox.fixes.base import SAFE

    uri = params.text_document.uri
    linted = ls.lint(uri)
    if not linted.served or linted.analysis.outcome != CHECKED or linted.options is None:
        return None
    version = linted.version
    text = linted.text
    index = LineIndex(text)
    options = linted.options
    settings = options.settings
    kind = linted.analysis.kind or "netbox"
    from flake8_netbox.settings import is_whole

    whole = is_whole(linted.path, settings)
    noqa = not options.options.disable_noqa
    ignored = _ignored(options, linted.path)
    only = params.context.only
    wanted = (index.offset(params.range.start), index.offset(params.range.end))
    capabilities = ls.client_capabilities.workspace
    versioned = bool(capabilities and capabilities.workspace_edit and
                     capabilities.workspace_edit.document_changes)
    out: List[types.CodeAction] = []
    if only is None or types.CodeActionKind.QuickFix in only:
        key = (uri, version)
        if key not in ls.proposed:
            ls.proposed = {k: v for k, v in ls.proposed.items() if k[0] != uri}
            ls.proposed[key] = proposals(text, settings.release, kind, whole, settings.dir_bound,
                                         ignored, noqa)
        out += actions.fix_actions(uri, version, text, index, ls.proposed[key], wanted,
                                   params.context.diagnostics, linted.reported, versioned)
        for found in linted.reported:
            if found.start <= wanted[1] and wanted[0] <= found.end or \
                    index.position(wanted[0]).line <= found.line - 1 <= \
                    index.position(wanted[1]).line:
                action = actions.noqa_action(uri, version, text, index, found,
                                             params.context.diagnostics, versioned)
                if action is not None and action.title not in {a.title for a in out}:
                    out.append(action)
    if only is None or any(actions.UPGRADE_KIND.startswith(k) for k in only):
        fixed = fix_source(text, settings.release, kind=kind, whole=whole,
                           bound_elsewhere=settings.dir_bound, kinds=(SAFE,),
                           opt_in=settings.opt_in, ignored=ignored, noqa=noqa).source
        action = actions.upgrade_action(uri, version, text, fixed, str(settings.release),
                                        index, versioned)
        if action is not None:
            out.append(action)
    return out


def _ignored(options: ProjectOptions, path: str) -> List[str]:
    """Codes the project's flake8 configuration turns off for this file: never fixed."""
    from flake8.style_guide import Decision

    from flake8_netbox.fixes import ALL_FIXES

    guide = options.app.guide.style_guide_for(path)
    codes = {code for fix in ALL_FIXES for code in fix.codes if code.startswith("NBX")}
    return sorted(code for code in codes
                  if guide.should_report_error(code) is not Decision.Selected)
