"""The ``rhythm`` console command of the wheel: the Rust CLI, run in-process."""

from __future__ import annotations

import sys

from . import _native


def main(argv: list[str] | None = None) -> int:
    """Runs the ``rhythm`` CLI on ``argv`` (default: ``sys.argv``); exits with its status when
    called as a console script."""
    args = ["rhythm", *(sys.argv[1:] if argv is None else argv)]
    sys.stdout.flush()
    status = _native.run_cli(args)
    if argv is None:
        sys.exit(status)
    return status
