"""Tasks served by the worker processes of test_worker_postgres.py.

``RHYTHM_TEST_LOG`` names a file where ``record`` appends one line when an attempt starts and
one when it ends: ``start|done <key> <execution id> <attempt> <pid>``, so a test can count the
runs of every attempt across worker processes.
"""

from __future__ import annotations

import asyncio
import os
import time

import rhythm


class PaymentDeclined(Exception):
    """A task failure with a class name of its own."""


def _log(event: str, key: str) -> None:
    info = rhythm.current_task()
    assert info is not None
    line = f"{event} {key} {info.execution_id} {info.attempt} {os.getpid()}\n"
    with open(os.environ["RHYTHM_TEST_LOG"], "a", encoding="utf-8") as f:
        f.write(line)
        f.flush()


@rhythm.task
def add(a: int, b: int) -> int:
    """Sync."""
    return a + b


@rhythm.task
async def async_add(a: int, b: int) -> int:
    """Async."""
    await asyncio.sleep(0.01)
    return a + b


@rhythm.task
def charge(amount: int) -> dict:
    """Raises PaymentDeclined over 1000."""
    if amount > 1000:
        raise PaymentDeclined(f"amount {amount} over the limit")
    return {"charged": amount}


@rhythm.task
def flaky(fails: int) -> dict:
    """Fails its first ``fails`` attempts."""
    info = rhythm.current_task()
    assert info is not None
    if info.attempt <= fails:
        raise ConnectionError(f"attempt {info.attempt} failed")
    return {"attempt": info.attempt}


@rhythm.task
async def async_flaky(fails: int) -> dict:
    """Fails its first ``fails`` attempts, asynchronously."""
    info = rhythm.current_task()
    assert info is not None
    if info.attempt <= fails:
        raise ConnectionError(f"attempt {info.attempt} failed")
    return {"attempt": info.attempt}


@rhythm.task(name="patient-flaky", retries=rhythm.Retry(max=2, initial="50ms"))
def patient_flaky(fails: int) -> dict:
    """Fails its first ``fails`` attempts; its decorator allows two retries."""
    return flaky(fails)


@rhythm.task(timeout="1s")
def sleepy(seconds: float) -> str:
    """Has a 1 s timeout of its own."""
    time.sleep(seconds)
    return "slept"


@rhythm.task
async def async_sleep(seconds: float) -> str:
    """Sleeps on the event loop."""
    await asyncio.sleep(seconds)
    return "slept"


@rhythm.task
def record(key: str, seconds: float = 0.0) -> str:
    """Logs its start, sleeps, logs its end."""
    _log("start", key)
    time.sleep(seconds)
    _log("done", key)
    return key


@rhythm.task
def not_json() -> object:
    """Returns something JSON cannot hold."""
    return {1, 2}


@rhythm.task
def fixable(n: int) -> dict:
    """Fails until the test creates the file ``fixed`` beside the log (the fix deployed)."""
    fixed = os.path.join(os.path.dirname(os.environ["RHYTHM_TEST_LOG"]), "fixed")
    if not os.path.exists(fixed):
        raise RuntimeError("not fixed yet")
    return {"n": n, "fixed": True}
