"""End to end in Emacs: the eglot snippet of docs/lsp.md starts the server and flymake shows
its findings. Skipped where Emacs or eglot is not installed (Debian: ``apt-get install
emacs-nox elpa-eglot``; Emacs 29 has eglot built in)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the lsp extra is not installed")
EMACS = shutil.which("emacs")
pytestmark = pytest.mark.skipif(EMACS is None, reason="Emacs is not installed (apt-get install "
                                                      "emacs-nox elpa-eglot): test skipped")

FIXTURES = Path(__file__).parent.parent / "fixtures"

DRIVE = """\
(unless (require 'eglot nil t) (with-temp-file "result.txt" (insert "no eglot")) (kill-emacs 0))
(require 'python)
(setq eglot-server-programs nil)
;; the snippet of docs/lsp.md, with this Python's server
(add-to-list 'eglot-server-programs
             '(python-mode . (SERVER :initializationOptions (:netboxVersion "4.7"))))
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
    server = " ".join(f'"{part}"' for part in [sys.executable, "-m", "flake8_netbox", "lsp"])
    (tmp_path / "drive.el").write_text(DRIVE.replace("SERVER", server))
    proc = subprocess.run([EMACS, "--batch", "-l", "drive.el"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=240,
                          stdin=subprocess.DEVNULL)
    result = tmp_path / "result.txt"
    assert result.exists(), proc.stdout + proc.stderr
    text = result.read_text()
    if text == "no eglot":
        pytest.skip("eglot is not installed (apt-get install elpa-eglot, or Emacs 29)")
    line = source.splitlines().index("    'webhooks': {") + 1
    assert f"{line} flake8-netbox [NBX005]: REDIS['webhooks'] was renamed" in text, text
