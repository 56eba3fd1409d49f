"""The oracle's fork server: runs INSIDE the NetBox virtual environment (Python 3.12+).

It imports NetBox once (settings from a baseline configuration, then ``django.setup()``), and
for every request forks a child that loads one configuration module the way NetBox does
(``NETBOX_CONFIGURATION``), re-executes ``netbox.settings`` (where every check NetBox makes on
a configuration lives), runs ``django.setup()`` again and reports what happened: whether NetBox
refused to start (which exception, raised by NetBox or by the configuration module itself)
and which warnings it gave.

The child is sandboxed: working directory, HOME and NETBOX_ROOT are the request's temporary
folder; the environment is exactly the request's variables; an audit hook refuses network
access, new processes, and any write, removal or rename outside that folder; its address
space is bounded. The parent kills a child that does not answer in time and reports
``timeout`` (a harness failure, never a pass).

Protocol: one JSON object per line on stdin ({"folder", "module", "env", "timeout"}), one JSON
object per line on stdout. Run it with ``python -I`` so nothing from the caller leaks in.
"""

import importlib
import json
import os
import resource
import select
import signal
import sys
import tempfile
import time
import traceback
import warnings

_PROTOCOL = sys.stdout
_BASELINE = """\
ALLOWED_HOSTS = ['netbox.example.com']
DATABASES = {'default': {'NAME': 'netbox', 'USER': 'netbox', 'HOST': 'localhost'}}
REDIS = {'tasks': {'HOST': 'localhost', 'DATABASE': 0},
         'caching': {'HOST': 'localhost', 'DATABASE': 1}}
SECRET_KEY = 'oracle-baseline-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH'
API_TOKEN_PEPPERS = {1: 'oracle-baseline-pepper-0123456789-abcdefghijklmnopqrstuvwxyz'}
"""
#: Audit events that start processes or reach the network: always refused in a child.
_FORBIDDEN = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
              "os.fork", "os.forkpty", "socket.connect", "socket.bind", "socket.sendto",
              "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
              "pty.spawn")
#: Audit events whose first argument is a path that must lie inside the request's folder.
_PATH_EVENTS = ("os.remove", "os.rename", "os.mkdir", "os.rmdir", "os.chmod", "os.chown",
                "os.symlink", "os.link", "os.truncate", "os.utime", "shutil.rmtree",
                "shutil.copyfile", "shutil.move")
_MEMORY = 3 * 1024 ** 3


class Refused(PermissionError):
    """The sandbox refused an operation (reported as the child's outcome)."""


def _inside(path, folder):
    try:
        real = os.path.realpath(os.fsdecode(path)) if not isinstance(path, int) else None
    except (TypeError, ValueError):
        return False
    return real is None or real == folder or real.startswith(folder + os.sep) or \
        real == os.devnull


def _install_guard(folder):
    folder = os.path.realpath(folder)

    def hook(event, args):
        if event.startswith(_FORBIDDEN):
            raise Refused(f"sandbox: {event} refused")
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None))[:3]
            writing = isinstance(mode, str) and any(c in mode for c in "wax+") or \
                isinstance(flags, int) and bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT
                                                         | os.O_APPEND | os.O_TRUNC))
            if writing and not _inside(path, folder):
                raise Refused(f"sandbox: writing {path!r} refused")
        elif event in _PATH_EVENTS:
            for path in args[:2]:
                if isinstance(path, (str, bytes, os.PathLike)) and not _inside(path, folder):
                    raise Refused(f"sandbox: {event} {path!r} refused")

    sys.addaudithook(hook)


def _first_line(error):
    text = str(error).strip().splitlines()
    return (text[0] if text else "")[:300]


def _raised_by_configuration(error, folder):
    tb = error.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if os.path.isabs(name) and os.path.realpath(name).startswith(folder + os.sep):
            return True
        tb = tb.tb_next
    return False


def _evaluate(request):
    """In the child: load the configuration as NetBox does; return the outcome."""
    folder = os.path.realpath(request["folder"])
    env = {str(k): str(v) for k, v in request.get("env", {}).items()}
    env.update({"HOME": folder, "NETBOX_ROOT": folder, "TMPDIR": folder,
                "NETBOX_CONFIGURATION": request["module"],
                "DJANGO_SETTINGS_MODULE": "netbox.settings"})
    os.environ.clear()
    os.environ.update(env)
    os.chdir(folder)
    sys.path.insert(0, folder)
    for name in [n for n in sys.modules if n == "netbox.settings" or n.startswith("oracle_")]:
        del sys.modules[name]
    import django
    from django.conf import settings as lazy_settings
    from django.utils.functional import empty

    _install_guard(folder)
    caught = []
    outcome = {"outcome": "started"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            module = importlib.import_module("netbox.settings")
            lazy_settings._wrapped = empty  # read the new module on next access
            django.setup()
            outcome["installed_apps_changed"] = list(module.INSTALLED_APPS) != BASELINE_APPS
        except BaseException as error:  # noqa: B902 - everything NetBox can raise
            outcome = {
                "outcome": "config-raised" if _raised_by_configuration(error, folder)
                else "refused",
                "exception": type(error).__name__,
                "message": _first_line(error),
                "sandbox": isinstance(error, Refused) or isinstance(
                    error.__context__, Refused),
                "where": traceback.extract_tb(error.__traceback__)[-1].filename.rsplit(
                    os.sep, 2)[-1][:80] if error.__traceback__ else "",
            }
    outcome["warnings"] = [
        [w.category.__name__, _first_line(w.message), os.path.basename(w.filename)]
        for w in caught
    ]
    return outcome


def _child(request, write_fd):
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (_MEMORY, _MEMORY))
    except (ValueError, OSError):
        pass
    try:
        result = _evaluate(request)
    except BaseException as error:  # noqa: B902
        result = {"outcome": "crashed", "exception": type(error).__name__,
                  "message": _first_line(error), "warnings": []}
    data = json.dumps(result).encode("utf-8")
    view = memoryview(data)
    while view:
        written = os.write(write_fd, view)
        view = view[written:]
    os._exit(0)


def _run(request):
    started = time.perf_counter()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(request, write_fd)
    os.close(write_fd)
    deadline = started + float(request.get("timeout", 60))
    chunks = []
    timed_out = False
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([read_fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(read_fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_fd)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if timed_out:
        result = {"outcome": "timeout", "warnings": []}
    else:
        try:
            result = json.loads(b"".join(chunks).decode("utf-8"))
        except ValueError:
            result = {"outcome": "crashed", "exception": "ChildDied",
                      "message": f"exit status {status}", "warnings": []}
    result["seconds"] = round(time.perf_counter() - started, 4)
    return result


def _baseline():
    """Import NetBox once, from a valid configuration, so that children only re-run settings."""
    global BASELINE_APPS
    folder = tempfile.mkdtemp(prefix="oracle-baseline-")
    with open(os.path.join(folder, "oracle_baseline.py"), "w", encoding="utf-8") as handle:
        handle.write(_BASELINE)
    os.environ.update({"NETBOX_CONFIGURATION": "oracle_baseline", "NETBOX_ROOT": folder,
                       "HOME": folder, "DJANGO_SETTINGS_MODULE": "netbox.settings"})
    sys.path.insert(0, folder)
    import django

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        settings = importlib.import_module("netbox.settings")
        django.setup()
    BASELINE_APPS = list(settings.INSTALLED_APPS)
    sys.path.remove(folder)


BASELINE_APPS = []


def main():
    started = time.perf_counter()
    if "--fresh" not in sys.argv:  # --fresh: no baseline, each child imports NetBox itself
        _baseline()
    ready = {"ready": True, "python": sys.version.split()[0],
             "import_seconds": round(time.perf_counter() - started, 3)}
    import netbox  # noqa: F401

    try:
        from importlib.metadata import version
        ready["netbox"] = version("netbox")
    except Exception:  # noqa: BLE001
        ready["netbox"] = "?"
    _PROTOCOL.write(json.dumps(ready) + "\n")
    _PROTOCOL.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        result = _run(json.loads(line))
        _PROTOCOL.write(json.dumps(result) + "\n")
        _PROTOCOL.flush()


if __name__ == "__main__":
    sys.dont_write_bytecode = True  # importing writes nothing outside a request's folder
    sys.stdout = sys.stderr  # nothing NetBox prints may reach the protocol channel
    main()
