"""The one atomic writer: files and whole folders appear complete or not at all.

`write_file` writes one file through a temporary file and one rename (the extractor's
drafts, the build cache's entries). `stage_site` writes a folder's files into a fresh
temporary folder beside the target and `swap_in` swaps it in with one atomic
rename-exchange, so a reader (or a failed build) never sees half a site: either the
previous folder or the new one. `write_site` does both.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path


def write_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file beside it and one rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE). False if unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc != 0:
        err = ctypes.get_errno()
        if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: file system cannot exchange
            return False
        raise OSError(err, os.strerror(err), str(a))
    return True


def write_site(files: Mapping[str, bytes] | Iterable[tuple[str, bytes]], out_dir: Path, progress=None) -> list[str]:
    """Write `files` into a temporary folder beside `out_dir`, then swap it in atomically;
    return the paths written.

    On any error (also one raised while `files`, an iterator, makes the next file) the
    temporary folder is removed and `out_dir` is left as it was."""
    tmp, paths = stage_site(files, out_dir, progress)
    swap_in(tmp, out_dir)
    return paths


def stage_site(files: Mapping[str, bytes] | Iterable[tuple[str, bytes]], out_dir: Path,
               progress=None) -> tuple[Path, list[str]]:
    """Write `files` into a fresh temporary folder beside `out_dir` (nothing else is touched);
    return it and the paths written. On any error the folder is removed."""
    out_dir = Path(out_dir).absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    paths: list[str] = []
    made: set[Path] = {tmp}
    try:
        for rel, data in (files.items() if isinstance(files, Mapping) else files):
            target = tmp / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(data)
            paths.append(rel)
            if progress:
                progress()
        os.chmod(tmp, 0o755)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp, sorted(paths)


def swap_in(tmp: Path, out_dir: Path) -> None:
    """Swap the staged folder `tmp` in as `out_dir`, atomically where the system can (the
    previous site is removed after). On any error `tmp` is removed and `out_dir` is left as it was."""
    out_dir = Path(out_dir).absolute()
    try:
        if not out_dir.exists():
            os.rename(tmp, out_dir)
            return
        if _exchange(tmp, out_dir):
            shutil.rmtree(tmp)  # now holds the previous site
            return
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        os.rmdir(old)
        os.rename(out_dir, old)
        try:
            os.rename(tmp, out_dir)
        except OSError:
            os.rename(old, out_dir)
            raise
        shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
