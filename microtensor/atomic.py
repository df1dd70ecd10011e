"""Files written atomically: a reader sees the old file or the new one, never half of one.

``mt.save`` and ``mt.save_safetensors`` write through ``write_atomically``: a temporary
file beside the target, fsynced, then renamed over it; the folder is fsynced so that the
rename survives a crash. Temporaries that a killed save left behind are removed by the
next save of the same file.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Callable
from typing import Any, BinaryIO


def write_atomically(path: str, write: Callable[[BinaryIO], Any]) -> None:
    """``write(file)`` into a temporary file beside ``path``, fsync it, then rename it over
    ``path`` (atomic on POSIX and Windows); on any failure remove the temporary.

    A symbolic link is written through (its target is replaced). Temporaries left
    beside the target by killed saves are removed first.
    """
    path = os.path.realpath(path)
    directory, base = os.path.split(path)
    _remove_stale_temporaries(directory, base)
    temporary = os.path.join(directory, f".{base}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def _remove_stale_temporaries(directory: str, base: str) -> None:
    """Delete ``.BASE.PID.RANDOM.tmp`` files in ``directory`` whose process is gone.

    A temporary of a live process (another save of the same file, now) is left alone.
    """
    pattern = re.compile(rf"\.{re.escape(base)}\.(\d+)\.[0-9a-f]{{8}}\.tmp")
    try:
        names = os.listdir(directory)
    except OSError:
        return  # the save itself reports what is wrong with the folder
    for name in names:
        match = pattern.fullmatch(name)
        if match and not _alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(directory, name))


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (on this host)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # exists but is another user's, or cannot be asked: keep its file
    return True


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable (where the OS allows opening a folder)."""
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
