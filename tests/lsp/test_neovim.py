"""End to end in a real editor: headless Neovim's built-in LSP client, set up by the README's
Neovim snippet (read from README.md, run as it is), starts the server, shows the findings,
applies the preferred quick fix, and the file is clean afterwards.

Skipped where Neovim is not installed (``apt-get install neovim``; CI installs it) or the lsp
extra is not. The snippet for Neovim 0.7-0.10 runs everywhere Neovim does (Debian 12 ships
0.7.2); the one for 0.11 and later only there, and the driving Lua below uses only APIs
Neovim 0.7 already has."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Tuple

import pytest

from readme_snippets import path_with_server, snippets

pytest.importorskip("pygls", reason="the lsp extra is not installed")
NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(
    NVIM is None, reason="Neovim is not installed (apt-get install neovim): the end-to-end "
                         "editor test is skipped")

FIXTURES = Path(__file__).parent.parent / "fixtures"


def nvim_version() -> Tuple[int, ...]:
    out = subprocess.run([NVIM, "--version"], capture_output=True, text=True).stdout
    found = re.search(r"NVIM v(\d+)\.(\d+)", out)
    return tuple(int(part) for part in found.groups()) if found else (0, 0)


SCRIPT = r"""
local out = {}
local function done(status)
  out.status = status
  local handle = io.open(OUTPUT, 'w')
  handle:write(vim.fn.json_encode(out))
  handle:close()
  vim.cmd('qa!')
end
local bufnr = vim.api.nvim_get_current_buf()
-- the README's snippet started the client when the buffer got its filetype
if not vim.wait(30000, function() return next(vim.lsp.buf_get_clients(bufnr)) ~= nil end, 50)
then
  return done('no client attached (filetype ' .. vim.bo[bufnr].filetype .. ')')
end
for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do out.command = client.config.cmd end
local function codes()
  local found = {}
  for _, item in ipairs(vim.diagnostic.get(bufnr)) do table.insert(found, item.code) end
  table.sort(found)
  return found
end
if not vim.wait(60000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50) then
  return done('no diagnostics')
end
out.before = codes()
local line
for _, item in ipairs(vim.diagnostic.get(bufnr)) do
  if item.code == 'NBX005' then line = item.lnum end
end
local params = {
  textDocument = { uri = vim.uri_from_bufnr(bufnr) },
  range = { start = { line = line, character = 0 }, ['end'] = { line = line, character = 0 } },
  context = { diagnostics = {} },
}
local answers = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 30000)
local chosen
for _, answer in pairs(answers or {}) do
  for _, action in ipairs(answer.result or {}) do
    if action.isPreferred then chosen = action end
  end
end
if not chosen then return done('no preferred action') end
out.title = chosen.title
vim.lsp.util.apply_workspace_edit(chosen.edit, 'utf-16')
vim.cmd('write')
local ok = vim.wait(60000, function()
  for _, code in ipairs(codes()) do if code == 'NBX005' then return false end end
  return true
end, 50)
out.after = codes()
done(ok and 'ok' or 'still reported')
"""


@pytest.mark.parametrize("which, needs", [(0, (0, 11)), (1, (0, 7))],
                         ids=["snippet for 0.11+", "snippet for 0.7-0.10"])
def test_neovim_shows_findings_and_applies_the_quick_fix(tmp_path, which, needs):
    if nvim_version() < needs:
        pytest.skip(f"the README's snippet for Neovim {needs[0]}.{needs[1]}+ needs that "
                    f"release; this is {'.'.join(map(str, nvim_version()))}")
    snippet = snippets("Neovim", "lua")[which]
    source = (FIXTURES / "upgrade" / "netbox27.py").read_text()
    project = tmp_path / "project"
    project.mkdir()
    (project / "setup.cfg").write_text("[metadata]\nname = site\n")  # a root marker
    path = project / "configuration.py"
    path.write_text(source)
    output = tmp_path / "result.json"
    (tmp_path / "snippet.lua").write_text(snippet)
    script = tmp_path / "drive.lua"
    script.write_text(f"OUTPUT = {json.dumps(str(output))}\n" + SCRIPT)
    proc = subprocess.run([NVIM, "--headless", "--clean", "-n",
                           "--cmd", f"luafile {tmp_path / 'snippet.lua'}", str(path),
                           "-c", f"luafile {script}"], cwd=project, capture_output=True,
                          text=True, timeout=240, stdin=subprocess.DEVNULL,
                          env=path_with_server(tmp_path / "bin"))
    assert output.exists(), proc.stdout + proc.stderr
    result = json.loads(output.read_text())
    assert result["status"] == "ok", result
    assert result["command"] == ["flake8-netbox", "lsp"]  # the snippet's, found on PATH
    assert "NBX005" in result["before"]
    assert result["title"].startswith("Fix NBX005")
    assert "NBX005" not in result["after"]
    fixed = path.read_text()
    assert fixed == source.replace("    'webhooks': {", "    'tasks': {").replace(
        "REDIS['webhooks']", "REDIS['tasks']")
