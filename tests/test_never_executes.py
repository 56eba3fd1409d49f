"""The checked file is read, never run or imported: nothing it would do happens."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from flake8_netbox.checker import check_source
from flake8_netbox.netbox import DEFAULT_RELEASE
from helpers import parse


def test_configuration_with_side_effects_is_not_executed(tmp_path):
    marker = tmp_path / "executed"
    imported = tmp_path / "imported"
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "nbx_side_effect.py").write_text(f"open({str(imported)!r}, 'w').write('x')\n")
    (modules / "local_settings.py").write_text(f"open({str(imported)!r}, 'w').write('y')\n")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.setblocking(False)
    port = server.getsockname()[1]
    source = f"""\
import os
import socket
import nbx_side_effect
from local_settings import *
open({str(marker)!r}, 'w').write('ran')
socket.create_connection(('127.0.0.1', {port}), timeout=1).close()
exec("open({str(marker)!r}, 'w')")
ALLOWED_HOSTS = [__import__('subprocess').call(['touch', {str(marker)!r}])]
REDIS = {{'tasks': {{}}, 'caching': {{'DATABASE': os.system('touch {marker}')}}}}
SECRET_KEY = 'short'
"""
    (tmp_path / "configuration.py").write_text(source)
    env = dict(os.environ, PYTHONPATH=str(modules))
    try:
        flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select=NBX",
                                 "configuration.py"], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=120)
        command = subprocess.run([sys.executable, "-m", "flake8_netbox", "configuration.py"],
                                 cwd=tmp_path, env=env, capture_output=True, text=True,
                                 timeout=120)
        in_process = check_source(source, DEFAULT_RELEASE)
        assert not marker.exists() and not imported.exists()
        try:
            server.accept()
            connected = True
        except BlockingIOError:
            connected = False
        assert not connected
    finally:
        server.close()
    # ... and the file was really checked, not skipped.
    assert "NBX101" in {r.code for r in parse(flake8.stdout)}
    assert "NBX101" in {r.code for r in parse(command.stdout)}
    assert any("NBX101" in message for _, _, message in in_process)
