"""``rhythm.Worker``: serves ``@rhythm.task`` functions (and workflow steps) from Postgres.

Claiming, leases, heartbeats and results live in the Rust core, which runs with the GIL
released. Claimed attempts wait in two native queues: sync tasks are pulled by a pool of
``concurrency`` threads (a thread that finds an attempt already queued takes it without giving
up the GIL, so a busy pool runs attempt after attempt with no hand-off), ``async def`` tasks by
one event loop thread, in batches. SIGINT/SIGTERM stop the worker gracefully: it stops
claiming, lets attempts in flight finish, writes their results.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterable

from . import _native
from .client import Client, _database_url, _ms
from .manifest import write_manifest
from .task import TaskDefinition, TaskInfo, _failure, collect_tasks, invoke, invoke_async

#: Attempts run at once when ``concurrency`` is not given. With 128 attempts in flight and
#: claims of up to 128, one process runs about a third more no-op tasks per second than with
#: the runtime's 64 / 64 (sdk-python/README.md, Figures); idle task threads stay parked.
DEFAULT_CONCURRENCY = 128
#: Attempts claimed per query at most when ``batch_size`` is not given.
DEFAULT_BATCH_SIZE = 128
#: ``async def`` attempts handed to the event loop per pull at most.
ASYNC_BATCH = 256
#: On shutdown, how long the task threads get to return after the core stopped.
THREAD_JOIN_SECONDS = 2.0


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
        lease: str | float | None = None,
        shutdown_grace: str | float | None = None,
        poll_interval: str | float | None = None,
        batch_size: int | None = None,
    ) -> None:
        self.workflows = workflows
        self.tasks: list[TaskDefinition] = collect_tasks(list(tasks))
        self.queues = list(queues or ["default"])
        self.concurrency = DEFAULT_CONCURRENCY if concurrency is None else concurrency
        self._url = _database_url(database_url)
        self._manifest = manifest
        self._native = _native.NativeWorker(
            self._url, self.queues, self.concurrency, serve_workflows,
            _ms(lease), _ms(shutdown_grace), _ms(poll_interval),
            DEFAULT_BATCH_SIZE if batch_size is None else batch_size,
        )
        self._by_name = {d.name: d for d in self.tasks}
        for definition in self.tasks:
            self._native.register(definition.name, definition.is_async, definition.timeout_ms)

    def register_tasks(self) -> list[str]:
        """Stores the definitions of the worker's tasks (the decorator's ``retries``,
        ``timeout`` and ``queue``, defaults of the calls that leave them out); returns the
        names."""
        if not self.tasks:
            return []
        return Client(self._url).register_tasks(*[d.fn for d in self.tasks])

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
        """Registers tasks and workflows, writes the manifest, then serves until ``stop()`` or
        SIGINT/SIGTERM; returns counts ``{claimed, completed, failed, retried, reaped,
        released}``."""
        self.register_tasks()
        self.register_workflows()
        if self._manifest is not None and self.tasks:
            try:
                write_manifest([d.fn for d in self.tasks], self._manifest)
            except OSError:
                pass  # a read-only folder must not stop the worker
        threads = self._start_threads()
        try:
            return json.loads(self._native.run())
        finally:
            # Every attempt has finished or been released by now; what still runs (an attempt
            # that timed out, one past the grace period) has no one to report to. The threads
            # are daemons, so such a task does not keep the process alive.
            self._native.close()
            deadline = time.monotonic() + THREAD_JOIN_SECONDS
            for thread in threads:
                thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def stop(self) -> None:
        """Asks a running worker (in another thread) to shut down gracefully."""
        self._native.stop()

    def _start_threads(self) -> list[threading.Thread]:
        threads = []
        if any(not d.is_async for d in self.tasks):
            self._native.serve_sync(max(1, self.concurrency))
            for n in range(max(1, self.concurrency)):
                threads.append(threading.Thread(target=self._sync_loop, name=f"rhythm-task-{n}", daemon=True))
        if any(d.is_async for d in self.tasks):
            threads.append(threading.Thread(target=self._async_thread, name="rhythm-async", daemon=True))
        for thread in threads:
            thread.start()
        return threads

    def _sync_loop(self) -> None:
        native, by_name = self._native, self._by_name
        result = None
        while True:
            job = native.next_sync(result)  # hands back the previous result, takes the next job
            if job is None:
                return
            token, name, execution_id, attempt, inputs = job
            try:
                ok, text = invoke(by_name[name], inputs, TaskInfo(execution_id, name, attempt))
            except BaseException as exc:  # SystemExit and the like still fail the attempt
                ok, text = _failure(exc)
            result = (token, ok, text)

    def _async_thread(self) -> None:
        asyncio.run(self._async_loop())

    async def _async_loop(self) -> None:
        native, by_name = self._native, self._by_name
        loop = asyncio.get_running_loop()
        running: set[asyncio.Task[None]] = set()
        done: list[tuple[int, bool, str]] = []

        def flush() -> None:
            # Everything that finished in this turn of the loop goes back in one call.
            results = done[:]
            done.clear()
            native.complete_many(results)

        async def attempt(token: int, name: str, execution_id: str, number: int, inputs: str) -> None:
            try:
                ok, text = await invoke_async(by_name[name], inputs, TaskInfo(execution_id, name, number))
            except BaseException as exc:  # a cancelled coroutine still fails the attempt
                ok, text = _failure(exc)
            if not done:
                loop.call_soon(flush)
            done.append((token, ok, text))

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rhythm-async-pull") as puller:
            while True:
                jobs = await loop.run_in_executor(puller, native.take_async, ASYNC_BATCH)
                if jobs is None:
                    break
                for job in jobs:
                    task = loop.create_task(attempt(*job))
                    running.add(task)
                    task.add_done_callback(running.discard)
        for task in running:  # orphans: their attempts timed out or were released
            task.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)
        if done:
            flush()
