"""``rhythm.Worker``: serves ``@rhythm.task`` functions (and workflow steps) from Postgres.

Claiming, leases, heartbeats and results live in the Rust core, which runs with the GIL
released; each attempt runs its Python function on a thread of the core's blocking pool
(``async def`` tasks run to the end on an event loop in that thread). SIGINT/SIGTERM stop the
worker gracefully: it stops claiming, lets attempts in flight finish, writes their results.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, Iterable

from . import _native
from .client import Client, _database_url
from .manifest import write_manifest
from .task import TaskDefinition, collect_tasks, invoke


class Worker:
    """A worker process for ``tasks`` (functions, modules or dotted module names) on ``queues``.

    ``workflows`` is a folder of ``.flow`` files registered on start (``None`` to skip);
    ``manifest`` is where the task manifest is written on start (``None`` to skip).
    """

    def __init__(
        self,
        workflows: str | os.PathLike[str] | None = "./workflows",
        tasks: Iterable[Any] = (),
        queues: list[str] | None = None,
        concurrency: int | None = None,
        *,
        database_url: str | None = None,
        serve_workflows: bool = True,
        manifest: str | os.PathLike[str] | None = ".rhythm/tasks.json",
    ) -> None:
        self.workflows = workflows
        self.tasks: list[TaskDefinition] = collect_tasks(list(tasks))
        self.queues = list(queues or ["default"])
        self._url = _database_url(database_url)
        self._manifest = manifest
        self._native = _native.NativeWorker(self._url, self.queues, concurrency, serve_workflows)
        for definition in self.tasks:
            self._native.register(definition.name, _handler(definition))

    def register_workflows(self) -> list[str]:
        """Stores every ``*.flow`` file of ``workflows`` as a version; returns the names."""
        if self.workflows is None or not Path(self.workflows).is_dir():
            return []
        client = Client(self._url)
        names = []
        for path in sorted(Path(self.workflows).glob("*.flow")):
            client.register_workflow(path.stem, path.read_text(encoding="utf-8"))
            names.append(path.stem)
        return names

    def run(self) -> dict[str, int]:
        """Registers workflows, writes the manifest, then serves until ``stop()`` or
        SIGINT/SIGTERM; returns counts ``{claimed, completed, failed, retried}``."""
        self.register_workflows()
        if self._manifest is not None and self.tasks:
            try:
                write_manifest([d.fn for d in self.tasks], self._manifest)
            except OSError:
                pass  # a read-only folder must not stop the worker
        return json.loads(self._native.run())

    def stop(self) -> None:
        """Asks a running worker (in another thread) to shut down gracefully."""
        self._native.stop()


def _handler(definition: TaskDefinition) -> Callable[[str], tuple[bool, str]]:
    def handle(inputs_json: str) -> tuple[bool, str]:
        return invoke(definition, inputs_json)

    return handle
