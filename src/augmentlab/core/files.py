"""Writing files so that an interrupted run never leaves half a file behind."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["OutputLock", "atomic_write"]


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename (never a half-written file).

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "sub" / "a.txt"
        >>> atomic_write(p, b"hi"); p.read_bytes()
        b'hi'
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk must not leave the half-written file behind
        raise


class OutputLock:
    """An exclusive lock on a file next to a job's output, held while the job writes.

    A second run on the same output refuses at once (`OutputBusy`, naming the holder's pid)
    instead of interleaving its files with the first's. The lock is the kernel's (``flock``), so a
    killed run never leaves a stale lock behind: the kernel drops it with the process. The lock
    file is removed on release.

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / ".out.lock"
        >>> with OutputLock(path, "out"):
        ...     try:
        ...         OutputLock(path, "out").acquire()
        ...     except Exception as exc:
        ...         print(type(exc).__name__)
        OutputBusy
        >>> path.exists()
        False
    """

    def __init__(self, path: Path, what: str) -> None:
        self.path, self.what = Path(path), what
        self.fd: int | None = None

    def acquire(self) -> OutputLock:
        """Take the lock, or raise `OutputBusy` when another process holds it."""
        import fcntl

        from .errors import OutputBusy

        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
                os.close(fd)
                raise OutputBusy(f"another augmentlab run (pid {holder}) is writing {self.what}; "
                                 "wait for it to finish, or stop it, then run this again") from None
            # the previous holder removes the file on release: if it did so between our open and
            # flock, we hold a lock on a file nobody else will see; take the lock on the new one
            try:
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        try:  # the pid, for the message of a run refused; a full disk must not keep the lock
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            os.close(fd)
            raise
        self.fd = fd
        return self

    def release(self) -> None:
        """Remove the lock file and drop the lock (in that order: a waiter never gets a lock on
        a file about to be removed without noticing)."""
        if self.fd is None:
            return
        try:
            with contextlib.suppress(OSError):  # gone, or the folder turned read-only: still unlock
                os.unlink(self.path)
        finally:
            os.close(self.fd)
            self.fd = None

    def close_in_child(self) -> None:
        """In a forked worker: drop this process's copy of the descriptor, so a worker that
        outlives its parent cannot keep the lock (flock locks belong to the open file, which a
        fork shares)."""
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None

    def __enter__(self) -> OutputLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
