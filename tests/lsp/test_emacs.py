"""End to end in Emacs: the README's eglot snippet (read from README.md, evaluated as it is)
starts the server and flymake shows its findings. Skipped where Emacs or eglot is not
installed (Debian: ``apt-get install emacs-nox elpa-eglot``; Emacs 29 has eglot built in)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from readme_snippets import path_with_server, snippets

pytest.importorskip("pygls", reason="the lsp extra is not installed")
EMACS = shutil.which("emacs")
pytestmark = pytest.mark.skipif(EMACS is None, reason="Emacs is not installed (apt-get install "
                                                      "emacs-nox elpa-eglot): test skipped")

FIXTURES = Path(__file__).parent.parent / "fixtures"

DRIVE = """\
(unless (require 'eglot nil t) (with-temp-file "result.txt" (insert "no eglot")) (kill-emacs 0))
(require 'python)
(setq eglot-server-programs nil)
;; the README's snippet, as it is
SNIPPET
(find-file "configuration.py")
(python-mode)
(apply #'eglot (eglot--guess-contact))  ; what M-x eglot does, without asking
(let ((deadline (+ (float-time) 120)) found)
  (while (and (< (float-time) deadline) (not found))
    (accept-process-output nil 0.2)
    (setq found (flymake-diagnostics)))
  (let ((lines (mapcar (lambda (d) (format "%s %s\\n"
                                           (line-number-at-pos (flymake-diagnostic-beg d))
                                           (flymake-diagnostic-text d)))
                       (flymake-diagnostics))))
    (with-temp-file "result.txt" (dolist (line lines) (insert line)))))
(kill-emacs 0)
"""


def test_eglot_shows_the_findings(tmp_path):
    source = (FIXTURES / "upgrade" / "netbox27.py").read_text()
    (tmp_path / "configuration.py").write_text(source)
    (tmp_path / "drive.el").write_text(DRIVE.replace("SNIPPET", snippets("Emacs", "elisp")[0]))
    proc = subprocess.run([EMACS, "--batch", "-l", "drive.el"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=240,
                          stdin=subprocess.DEVNULL, env=path_with_server(tmp_path / "bin"))
    result = tmp_path / "result.txt"
    assert result.exists(), proc.stdout + proc.stderr
    text = result.read_text()
    if text == "no eglot":
        pytest.skip("eglot is not installed (apt-get install elpa-eglot, or Emacs 29)")
    line = source.splitlines().index("    'webhooks': {") + 1
    assert f"{line} flake8-netbox [NBX005]: REDIS['webhooks'] was renamed" in text, text
