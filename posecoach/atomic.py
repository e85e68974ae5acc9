"""The one way posecoach writes a file: never half a file under its final name, never a device replaced.

    with atomic_open("report.json", "w", what="JSON report") as f:   # text or binary, like open()
        f.write(text)
    write_text("summary.json", text)

    with AtomicFile("annotated.mp4", what="annotated video") as tmp:  # for writers that need a file name
        cv2.VideoWriter(str(tmp.path), ...)                            # (OpenCV, numpy)

Where the output goes decides how it is written:

- a regular file (or a new name): written to a unique ``<name>.<random>.part<suffix>`` beside it, flushed and
  fsync'd, then renamed over the final name, so a crash, a signal or a full disk leaves the old file or the new
  one, never half of one. The name is unique so that two processes writing the same output do not collide.
- a symlink: followed; its target is replaced as above and the link stays a link.
- anything else that exists (``/dev/null``, ``/dev/full``, a FIFO, a terminal): opened and written in place, never
  replaced (renaming a temporary file over ``/dev/null`` would turn the device into a regular file).
- ``-``, ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``: written to that descriptor of this process, sharing its
  offset, so ``-r /dev/stdout > out.txt`` appends to what was printed rather than overwriting it.

Every write, flush and close is checked: a failure raises ``OutputError`` naming the output ("cannot write the JSON
report /dev/full: No space left on device"), and whatever was half-written is removed first.
"""
from __future__ import annotations

from posecoach.errors import EXIT_OUTPUT, PosecoachError

import contextlib
import io
import os
import re
import stat
import sys
import tempfile
from pathlib import Path

STDOUT = "-"
_CHUNK = 1 << 20

# Files are created 0666 less the umask, as open() would; mkstemp's 0600 would surprise a user sharing reports.
_UMASK = os.umask(0)
os.umask(_UMASK)


class OutputError(PosecoachError, RuntimeError):
    exit_code = EXIT_OUTPUT
    """An output cannot be written (full disk, read-only folder, a device that refuses data...)."""


def _own_descriptor(path: str) -> int | None:
    """The descriptor of this process that ``path`` names (``-``, /dev/stdout, /dev/fd/3...), or None."""
    if path == STDOUT:
        return 1
    m = re.fullmatch(r"/dev/std(in|out|err)", path)
    if m:
        return {"in": 0, "out": 1, "err": 2}[m.group(1)]
    m = re.fullmatch(r"/(?:dev|proc/self)/fd/(\d+)", path)
    return int(m.group(1)) if m else None


def _reason(e: BaseException) -> str:
    return getattr(e, "strerror", None) or str(e) or type(e).__name__


class Target:
    """Where an output goes: ``fd`` (one of ours), ``stream`` (an existing non-regular file), else a regular file
    at ``real`` (symlinks resolved)."""

    def __init__(self, path: str | os.PathLike, what: str = "output"):
        self.given = os.fspath(path)
        self.what = what
        self.fd = _own_descriptor(self.given)
        self.real = Path(os.path.realpath(self.given)) if self.fd is None else None
        self.stream = False
        self.mode: int | None = None  # the permissions of the file being replaced
        if self.real is not None:
            try:
                st = os.stat(self.real)
            except FileNotFoundError:
                pass
            except OSError as e:
                raise self.error(e) from None
            else:
                if stat.S_ISDIR(st.st_mode):
                    raise OutputError(f"cannot write the {what} {self.given}: it is a folder")
                self.stream = not stat.S_ISREG(st.st_mode)
                self.mode = stat.S_IMODE(st.st_mode)

    @property
    def is_file(self) -> bool:
        return self.fd is None and not self.stream

    def error(self, e: BaseException) -> BaseException:
        if isinstance(e, BrokenPipeError):
            return e  # `... -r - | head`: the reader left; the CLI treats that as it does for any printing
        return OutputError(f"cannot write the {self.what} {self.given}: {_reason(e)}")

    def open_stream(self) -> int:
        """A raw descriptor to write to (a duplicate for our own descriptors, so closing it closes nothing else)."""
        try:
            if self.fd is not None:
                if self.fd == 1:
                    sys.stdout.flush()  # what was printed before goes first
                return os.dup(self.fd)
            return os.open(self.real, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError as e:
            raise self.error(e) from None

    def temp_file(self, suffix: str = "") -> Path:
        """A new, uniquely named, empty file to write into: beside the target for a regular file (so the rename is
        atomic), in the temporary folder for a stream (nothing is ever created beside /dev/null)."""
        if self.is_file:
            folder, name = self.real.parent, self.real.name
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise OutputError(f"cannot create the folder for the {self.what} {self.given}: {_reason(e)}") from None
        else:
            folder, name = Path(tempfile.gettempdir()), "posecoach-stream"
        stem = name[: -len(suffix)] if suffix and name.lower().endswith(suffix.lower()) else name
        try:
            fd, tmp = tempfile.mkstemp(prefix=f"{stem}.", suffix=f".part{suffix}", dir=folder)
        except OSError as e:
            raise self.error(e) from None
        os.close(fd)
        return Path(tmp)

    def install(self, tmp: Path) -> None:
        """Put a complete temporary file in place: fsync and rename for a file, copy into a stream."""
        try:
            if self.is_file:
                fd = os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)  # a full disk can surface only here (delayed allocation, network file systems)
                finally:
                    os.close(fd)
                os.chmod(tmp, self.mode if self.mode is not None else 0o666 & ~_UMASK)
                os.replace(tmp, self.real)
            else:
                out = self.open_stream()
                try:
                    with open(tmp, "rb") as f:
                        while chunk := f.read(_CHUNK):
                            _write_all(out, chunk)
                finally:
                    os.close(out)
        except OSError as e:
            raise self.error(e) from None
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _write_all(fd: int, data: bytes) -> None:
    """os.write until everything is written (a pipe or a device may take less than asked)."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:
            raise OSError(28, "the device accepted no data")
        view = view[n:]


class _CheckedRaw(io.RawIOBase):
    """A raw writer over a descriptor whose every write is complete or raises (io's buffering on top)."""

    def __init__(self, fd: int):
        self._fd = fd

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        _write_all(self._fd, bytes(b))
        return len(b)

    def close(self) -> None:
        if not self.closed:
            try:
                os.close(self._fd)
            finally:
                super().close()


class AtomicFile:
    """A temporary file (``path``) for a writer that needs a name; on success it replaces the output, or is
    streamed into it; on any exception (Ctrl+C and signals included) it is removed."""

    def __init__(self, path: str | os.PathLike, *, suffix: str | None = None, what: str = "output"):
        self.target = Target(path, what)
        self.suffix = Path(os.fspath(path)).suffix if suffix is None else suffix
        self.path = self.target.temp_file(self.suffix)
        self.done = False

    def commit(self) -> None:
        if not self.done:
            self.done = True
            self.target.install(self.path)

    def discard(self) -> None:
        self.done = True
        with contextlib.suppress(OSError):
            self.path.unlink()

    def __enter__(self) -> "AtomicFile":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            try:
                self.commit()
            except BaseException:
                self.discard()
                raise
        else:
            self.discard()


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", *, what: str = "output", encoding: str = "utf-8",
                newline: str | None = None):
    """Like ``open(path, mode)`` for writing ("w" or "wb"), with the guarantees in the module docstring."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes whole files: mode 'w' or 'wb', not {mode!r}")
    target = Target(path, what)
    if target.is_file:
        with AtomicFile(path, suffix="", what=what) as tmp:
            try:
                with open(tmp.path, mode, **({} if "b" in mode else {"encoding": encoding, "newline": newline})) as f:
                    yield f
            except OSError as e:
                raise target.error(e) from None
        return
    raw = _CheckedRaw(target.open_stream())
    f = io.BufferedWriter(raw)
    if "b" not in mode:
        f = io.TextIOWrapper(f, encoding=encoding, newline=newline)
    ok = False
    try:
        yield f
        f.flush()
        ok = True
    except OSError as e:
        raise target.error(e) from None
    finally:
        try:
            f.close()  # after a failure this would raise the same error again: only the first one is news
        except OSError as e:
            if ok:
                raise target.error(e) from None


def write_text(path: str | os.PathLike, text: str, *, what: str = "output") -> Path | str:
    with atomic_open(path, "w", what=what) as f:
        f.write(text)
    return path


def write_bytes(path: str | os.PathLike, data: bytes, *, what: str = "output") -> Path | str:
    with atomic_open(path, "wb", what=what) as f:
        f.write(data)
    return path
