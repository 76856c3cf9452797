"""Progress on a terminal: one bar per pipeline stage, then a summary line (stderr).

`TerminalProgress` draws with `click.progressbar`; the command line uses it only when
stderr is a terminal and `--quiet` is not given, so pipes, logs and CI stay silent.
"""

from __future__ import annotations

import sys

import click

from .pipeline import Progress

def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


class TerminalProgress(Progress):
    def __init__(self, file=None):
        self.file = file
        self.bar = None

    def start(self, stage: str, total: int) -> None:
        self.bar = click.progressbar(length=max(total, 1), label=f"{stage:<9}",
                                     file=self.file or sys.stderr, show_eta=False, show_percent=True,
                                     show_pos=True, width=30)
        self.bar.__enter__()

    def advance(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def end(self, stage: str) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def summary(observations: int, triples: int, seconds: float, peak_bytes: int) -> str:
    """The final line: what was built, how long it took, and the peak memory."""
    return (f"{observations:,} observations, {triples:,} triples in {seconds:.1f} s; "
            f"peak memory {peak_bytes / 2**20:,.0f} MiB")
