"""Rhythm: durable workflows in ``.flow`` files, tasks in Python, Postgres as the only server.

- ``@rhythm.task``: mark a function (sync or async) as a task.
- ``rhythm.testing.WorkflowEnvironment``: unit-test workflows on a fake clock, no database.
- ``python -m rhythm manifest --tasks myapp.tasks``: the task manifest for the editor.
- ``rhythm``: the command line (the same as the Rust binary).
"""

from __future__ import annotations

from .client import AsyncClient, Client, Execution, RhythmError
from .manifest import build_manifest, write_manifest
from .task import Retry, TaskDefinition, TaskInfo, TaskOutputError, current_task, task
from .worker import Worker

__all__ = [
    "AsyncClient",
    "Client",
    "Execution",
    "RhythmError",
    "Retry",
    "TaskDefinition",
    "TaskInfo",
    "TaskOutputError",
    "Worker",
    "build_manifest",
    "current_task",
    "task",
    "write_manifest",
]
__version__ = "0.1.0"
