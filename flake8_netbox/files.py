"""Reading a file the user named, without ever blocking on one that is not a regular file.

``open()`` on a FIFO waits for a writer, and reading a character device may never end: a FIFO
named configuration.py once hung ``flake8-netbox --config-dir`` and ``--fix`` for good. Every
file the project opens itself goes through :func:`read_bytes`, which opens without blocking
and checks the opened file (not the name, which could change in between) before reading.
"""

from __future__ import annotations

import io
import os
import stat
import tokenize
from typing import Tuple

#: Opening a FIFO for reading does not wait for a writer with this flag (POSIX; 0 elsewhere).
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


class NotRegularFile(OSError):
    """The path is a FIFO, a device, a socket or a directory: nothing to check or fix."""

    def __init__(self, path: str, mode: int) -> None:
        super().__init__(f"{path}: skipped: not a regular file ({kind_of(mode)})")
        self.path = path


def kind_of(mode: int) -> str:
    """'a FIFO', 'a directory', ... for ``os.stat().st_mode``."""
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISDIR, "a directory"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def read_bytes(path: str) -> bytes:
    """The contents of the regular file at ``path`` (symbolic links followed).

    Raises :class:`NotRegularFile` for anything else, without blocking, and ``OSError`` as
    ``open()`` does (missing, unreadable, a loop of symbolic links)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY)
    except IsADirectoryError:
        raise NotRegularFile(path, stat.S_IFDIR) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(path, mode)
        with os.fdopen(descriptor, "rb") as handle:
            descriptor = -1  # closed by the handle from now on
            return handle.read()
    finally:
        if descriptor >= 0:
            os.close(descriptor)


def is_regular(path: str) -> bool:
    """Is ``path`` (symbolic links followed) a regular file? False when it cannot be told."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_source(path: str) -> Tuple[str, str]:
    """(text with its own line endings, encoding) of a Python file, decoded as Python decodes
    it (PEP 263 coding cookie, BOM, UTF-8 by default). Raises as :func:`read_bytes`, and
    ``SyntaxError`` or ``UnicodeError`` for an unknown or wrong encoding."""
    data = read_bytes(path)
    return decode(data)


def decode(data: bytes) -> Tuple[str, str]:
    """``data`` decoded as Python decodes a source file: (text, encoding)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding), encoding
