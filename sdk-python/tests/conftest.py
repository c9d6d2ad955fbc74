"""Shared fixtures: paths of the repository's example workflows."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent.parent
sys.path.insert(0, str(TESTS))


@pytest.fixture
def workflows_dir() -> Path:
    """The repository's example workflows (``examples/workflows``)."""
    return REPO / "examples" / "workflows"
