"""The bench's no-op tasks: one sync, one async."""

from __future__ import annotations

import rhythm


@rhythm.task
def noop(n: int) -> None:
    """Does nothing."""


@rhythm.task
async def async_noop(n: int) -> None:
    """Does nothing, asynchronously."""
