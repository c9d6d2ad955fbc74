"""Shared fixtures: paths of the repository's example workflows, and a fresh Postgres database
per test (``DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/postgres``; tests that
need one are skipped only when the server is unreachable)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent.parent
sys.path.insert(0, str(TESTS))

SERVER = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def psql(sql: str, url: str = SERVER) -> subprocess.CompletedProcess:
    """Runs one statement with psql."""
    return subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], capture_output=True, text=True)


def _reachable() -> bool:
    try:
        # The shared server may be restarting: try for a few seconds before calling it gone.
        for _ in range(10):
            if psql("select 1").returncode == 0:
                return True
            time.sleep(0.5)
    except FileNotFoundError:
        pass
    return False


@pytest.fixture
def workflows_dir() -> Path:
    """The repository's example workflows (``examples/workflows``)."""
    return REPO / "examples" / "workflows"


@pytest.fixture
def database_url():
    """A fresh database, dropped after the test."""
    if not _reachable():
        pytest.skip("Postgres not reachable (set DATABASE_URL)")
    name = f"rhythm_py_{uuid.uuid4().hex[:12]}"
    for _ in range(10):  # the shared server may restart under us: retry a few times
        created = psql(f"create database {name}")
        if created.returncode == 0 or "already exists" in created.stderr:
            break
        time.sleep(0.5)
    assert created.returncode == 0 or "already exists" in created.stderr, created.stderr
    base = SERVER.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    psql(f"drop database if exists {name} with (force)")
