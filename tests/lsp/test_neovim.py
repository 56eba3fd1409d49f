"""End to end in a real editor: headless Neovim's built-in LSP client starts the server,
shows the findings, applies the preferred quick fix, and the file is clean afterwards.

Skipped where Neovim is not installed (``apt-get install neovim``) or the lsp extra is not.
The Lua below uses only APIs Neovim 0.7 already has (Debian 12 ships 0.7.2), the same calls
as the README's snippet for older Neovims."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the lsp extra is not installed")
NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(
    NVIM is None, reason="Neovim is not installed (apt-get install neovim): the end-to-end "
                         "editor test is skipped")

FIXTURES = Path(__file__).parent.parent / "fixtures"

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
local id = vim.lsp.start_client({
  name = 'flake8-netbox',
  cmd = SERVER,
  root_dir = vim.fn.getcwd(),
  init_options = { netboxVersion = '4.6' },
})
vim.lsp.buf_attach_client(bufnr, id)
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


def test_neovim_shows_findings_and_applies_the_quick_fix(tmp_path):
    source = (FIXTURES / "upgrade" / "netbox27.py").read_text()
    path = tmp_path / "configuration.py"
    path.write_text(source)
    output = tmp_path / "result.json"
    script = tmp_path / "drive.lua"
    server = "{" + ", ".join(json.dumps(part) for part in
                             [sys.executable, "-m", "flake8_netbox", "lsp"]) + "}"
    script.write_text(f"OUTPUT = {json.dumps(str(output))}\nSERVER = {server}\n" + SCRIPT)
    proc = subprocess.run([NVIM, "--headless", "--clean", "-n", str(path), "-c",
                           f"luafile {script}"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=240, stdin=subprocess.DEVNULL)
    assert output.exists(), proc.stdout + proc.stderr
    result = json.loads(output.read_text())
    assert result["status"] == "ok", result
    assert "NBX005" in result["before"]
    assert result["title"].startswith("Fix NBX005")
    assert "NBX005" not in result["after"]
    fixed = path.read_text()
    assert fixed == source.replace("    'webhooks': {", "    'tasks': {").replace(
        "REDIS['webhooks']", "REDIS['tasks']")
