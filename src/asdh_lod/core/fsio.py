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
import hashlib
import heapq
import os
import resource
import shutil
import tempfile
from dataclasses import dataclass
from collections.abc import Iterable, Iterator, Mapping
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


@dataclass(frozen=True)
class Linked:
    """An unchanged file of the previous site, to be hard-linked into the staged site (copied
    where the file system cannot link): an incremental build reuses it without reading it."""

    path: Path


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or no hard links: a copy, byte for byte
        shutil.copyfile(source, target)


def stage_site(files: Mapping[str, bytes | Path | Linked] | Iterable[tuple[str, bytes | Path | Linked]],
               out_dir: Path, progress=None) -> tuple[Path, list[str]]:
    """Write `files` into a fresh temporary folder beside `out_dir` (nothing else is touched);
    return it and the paths written. A file given as a `Path` (a large file already made in a
    `Scratch` folder) is moved in; a `Linked` file of the previous site is hard-linked. On any
    error the folder is removed."""
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
            if isinstance(data, Path):  # a finished scratch file (Scratch): moved in, not copied
                shutil.move(data, target)
            elif isinstance(data, Linked):
                _link(data.path, target)
            else:
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


# -- large files: streamed, sorted on disk, read back in slices -------------------------------

class Scratch:
    """A temporary working folder for files too large to hold in memory (sorted runs, the
    dumps before they are moved into the site). Beside `near` (same file system, so a file
    made here is moved into the staged site by one rename), else in the system's temporary
    folder; removed with everything in it on exit."""

    def __init__(self, near: Path | None = None):
        parent = None
        if near is not None:
            parent = Path(near).absolute().parent
            parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=".asdh-lod-scratch-", dir=parent))
        self._n = 0

    def file(self, name: str) -> Path:
        """A fresh path in the scratch folder (`name` is only a readable suffix)."""
        self._n += 1
        return self.path / f"{self._n:04d}-{name}"

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> "Scratch":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_chunks(path: Path, chunks: Iterable[bytes]) -> int:
    """Write the byte strings `chunks` to `path` (a scratch file) one after another. Returns
    the number of bytes written."""
    n = 0
    with open(path, "wb", buffering=1 << 20) as f:
        for chunk in chunks:
            f.write(chunk)
            n += len(chunk)
    return n


def open_for_writing(path: Path):
    """A binary file object writing `path` (a scratch file), for serialisers that stream into
    a file object (pyoxigraph). The caller closes it (`with`)."""
    return open(path, "wb", buffering=1 << 20)


def read_lines(path: Path) -> Iterator[bytes]:
    """The lines of a file, with their line ends, read in large blocks."""
    with open(path, "rb", buffering=1 << 20) as f:
        yield from f


def sorted_unique_lines(lines: Iterable[bytes], scratch: Scratch, run_bytes: int = 64 << 20) -> Iterator[bytes]:
    """`lines` (each ending in b"\\n") sorted bytewise, repeats dropped: an external merge
    sort. Lines are gathered until about `run_bytes`, sorted and spilled to a scratch file as
    one run; the runs are then merged. Memory: one run, not the whole."""
    runs: list[Path] = []
    batch: set[bytes] = set()
    size = 0
    for line in lines:
        if line not in batch:
            batch.add(line)
            size += len(line) + 40  # a bytes object's own overhead
            if size >= run_bytes:
                runs.append(scratch.file("run.nt"))
                write_chunks(runs[-1], [b"".join(sorted(batch))])
                batch, size = set(), 0
    if not runs:
        yield from sorted(batch)
        return
    if batch:
        runs.append(scratch.file("run.nt"))
        write_chunks(runs[-1], [b"".join(sorted(batch))])
    del batch
    yield from unique_merge([read_lines(r) for r in runs])
    for r in runs:
        r.unlink()


def unique_merge(streams: list[Iterable[bytes]]) -> Iterator[bytes]:
    """The bytewise merge of sorted streams of lines, repeats dropped."""
    prev = None
    for line in heapq.merge(*streams):
        if line != prev:
            yield line
            prev = line


def merge_fan_in() -> int:
    """How many files `merge_files` opens at once: half of what this process may open (a
    merge level costs a pass over every line, so as few levels as the limit allows)."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return 4096 if soft == resource.RLIM_INFINITY else max(16, min(4096, soft // 2))


def read_chunks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    """The bytes of a file of lines (each ending in b"\\n"), in pieces of about `size` that
    end at a line end."""
    rest = b""
    with open(path, "rb", buffering=0) as f:
        while data := f.read(size):
            data = rest + data if rest else data
            cut = data.rfind(b"\n") + 1
            rest = data[cut:]
            if cut:
                yield data[:cut]
    if rest:  # a last line without its line end
        yield rest


def _line_at(buf: bytes, start: int) -> bytes:
    return buf[start:buf.find(b"\n", start) + 1 or len(buf)]


def _run_end(buf: bytes, pos: int, key: bytes) -> int:
    """Where the lines of `buf` from `pos` (a line start) stop being <= `key`: a binary search
    over byte offsets, each probe the line around the middle (sorted lines)."""
    lo, hi = pos, len(buf)
    while lo < hi:
        mid = (lo + hi) // 2
        start = max(buf.rfind(b"\n", lo, mid) + 1, lo)
        end = buf.find(b"\n", start) + 1 or len(buf)
        if buf[start:end] <= key:
            lo = end
        else:
            hi = start
    return lo


def merge_sorted(sources: list[Iterable[bytes]]) -> Iterator[bytes]:
    """The bytewise merge of sorted sources of lines (each line ending in b"\\n", none twice in
    a source), each given as pieces of bytes that end at a line end (`read_chunks`); a line
    in several sources once. Yields pieces of the merged lines.

    Galloping, on bytes: the run of the smallest source's lines up to the next smallest head
    of another source is found by a binary search over byte offsets and passed on as one slice,
    never cut into lines. The sources of a national edition (one per document) each hold a few
    long runs of the sorted whole, so the merge takes a few steps per run, not per line."""
    state: list = []
    heap: list = []
    for i, source in enumerate(sources):
        it = iter(source)
        buf = next((b for b in it if b), None)
        state.append([it, buf, 0])
        if buf is not None:
            heap.append((_line_at(buf, 0), i))
    heapq.heapify(heap)
    prev = None
    while heap:
        head, i = heap[0]
        it, buf, pos = entry = state[i]
        if len(heap) == 1:
            end = len(buf)
        else:
            second = heap[1][0] if len(heap) == 2 or heap[1][0] <= heap[2][0] else heap[2][0]
            end = _run_end(buf, pos, second)
        start = pos
        if head == prev:  # the line another source gave last
            start += len(head)
        if start < end:
            yield buf[start:end]
            prev = buf[max(buf.rfind(b"\n", start, end - 1) + 1, start):end]  # its last line
        if end < len(buf):
            entry[2] = end
            heapq.heapreplace(heap, (_line_at(buf, end), i))
            continue
        buf = next((b for b in it if b), None)
        entry[1], entry[2] = buf, 0
        if buf is None:
            heapq.heappop(heap)
        else:
            heapq.heapreplace(heap, (_line_at(buf, 0), i))


def merge_files(paths: Iterable[Path], scratch: Scratch, fan_in: int | None = None) -> Iterator[bytes]:
    """The lines of sorted files (each line ending in b"\\n", none twice in a file) merged
    bytewise, a line in several files once (`merge_sorted`: yields pieces of bytes), with at
    most `fan_in` files open at once (`merge_fan_in()`): beyond that, groups of `fan_in` are
    first merged into runs in `scratch` (and those merged, …). The input files are left as
    they are."""
    fan_in = fan_in or merge_fan_in()
    paths, made = list(paths), []
    try:
        while len(paths) > fan_in:
            runs = []
            for i in range(0, len(paths), fan_in):
                runs.append(scratch.file("run.nt"))
                write_chunks(runs[-1], merge_sorted([read_chunks(p) for p in paths[i:i + fan_in]]))
            for r in made:  # the previous level's runs, merged now
                r.unlink()
            paths = made = runs
        yield from merge_sorted([read_chunks(p) for p in paths])
    finally:
        for r in made:
            r.unlink(missing_ok=True)


class FileBytes:
    """Read-only bytes of a (large) file, for code written against `bytes`: slices are read
    from the file (`os.pread`), `splitlines(keepends=True)` streams its lines. Nothing but
    the slices asked for is held in memory."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd = os.open(self.path, os.O_RDONLY)
        self._size = os.fstat(self._fd).st_size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("FileBytes supports plain slices only")
        start, stop, _ = key.indices(self._size)
        return os.pread(self._fd, max(0, stop - start), start) if stop > start else b""

    def _blocks(self) -> Iterator[bytes]:
        """The file's bytes in blocks, read through the open descriptor (the file may have
        been moved since it was opened)."""
        at = 0
        while block := os.pread(self._fd, 1 << 22, at):
            at += len(block)
            yield block

    def splitlines(self, keepends: bool = False) -> Iterator[bytes]:
        rest = b""
        for block in self._blocks():
            lines = (rest + block).split(b"\n")
            rest = lines.pop()
            for line in lines:
                yield line + b"\n" if keepends else line
        if rest:
            yield rest

    def count(self, sub: bytes) -> int:
        if sub != b"\n":
            raise ValueError("FileBytes counts lines only")
        return sum(block.count(b"\n") for block in self._blocks())

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self):
        self.close()


@dataclass(frozen=True)
class Digest:
    """A file's size and SHA-256, for descriptions of files not held in memory."""

    size: int
    sha256: str


def digest(path: Path) -> Digest:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
            size += len(block)
    return Digest(size, h.hexdigest())


def in_memory(files: Iterable[tuple[str, bytes | Path | Linked]]) -> Iterator[tuple[str, bytes]]:
    """`files` with each finished scratch file (or linked file) read into bytes (for a site held in memory)."""
    for rel, data in files:
        yield rel, (data.read_bytes() if isinstance(data, Path) else data.path.read_bytes()
                    if isinstance(data, Linked) else data)
