"""Drive the real language server (``python -m flake8_netbox lsp``) over stdio with
pytest-lsp's client. Skipped where the ``lsp`` extra or pytest-lsp cannot be installed
(pytest-lsp 1.x needs Python 3.10)."""

from __future__ import annotations

import sys

try:
    import pytest_lsp
    from lsprotocol import types
except ImportError:  # the test modules skip themselves with the reason
    pytest_lsp = None

SERVER = [sys.executable, "-m", "flake8_netbox", "lsp"]


async def _client(lsp_client: "pytest_lsp.LanguageClient", tmp_path, request):
    """A client connected to a fresh server; the workspace is ``tmp_path``. A test marked
    ``initialization_options({...})`` starts the server with those options, one marked
    ``client("visual-studio-code")`` with that editor's capabilities (default: Neovim's)."""
    marker = request.node.get_closest_marker("initialization_options")
    options = marker.args[0] if marker else None
    spec = request.node.get_closest_marker("client")
    params = types.InitializeParams(
        capabilities=pytest_lsp.client_capabilities(spec.args[0] if spec else "neovim"),
        root_uri=tmp_path.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="project")],
        initialization_options=options,
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


if pytest_lsp is not None and int(pytest_lsp.__version__.split(".")[0]) >= 1:
    client = pytest_lsp.fixture(config=pytest_lsp.ClientServerConfig(server_command=SERVER))(
        _client)


def pytest_configure(config):
    config.addinivalue_line("markers", "initialization_options(options): the server's")
    config.addinivalue_line("markers", "client(spec): pytest-lsp client capabilities to use")
