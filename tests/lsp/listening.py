"""Publications of diagnostics, all of them: pytest-lsp's ``wait_for_notification`` resolves
on the next one only, and a publication that arrives (in the same read as another) before the
test asks again is lost, which hangs a test waiting for it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, List

from lsprotocol import types


class Published:
    """Every ``publishDiagnostics`` the client receives from now on, in order. The listener
    registers itself again while it is being called, before the client reads the next
    message, so none is missed."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.received: List[types.PublishDiagnosticsParams] = []
        self.arrived = asyncio.Event()
        self.listen()

    def listen(self) -> None:
        self.client.protocol.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
                                                   self.got)

    def got(self, params: types.PublishDiagnosticsParams) -> None:
        self.listen()
        self.received.append(params)
        self.arrived.set()

    def of(self, path: Path) -> List[types.PublishDiagnosticsParams]:
        return [params for params in self.received if params.uri == path.as_uri()]

    async def until(self, path: Path, version: int) -> types.PublishDiagnosticsParams:
        """The publication for ``version`` of ``path`` (waiting for it if need be)."""
        while True:
            for params in self.of(path):
                if params.version == version:
                    return params
            self.arrived.clear()
            await self.arrived.wait()
