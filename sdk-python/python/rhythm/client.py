"""``rhythm.Client`` and ``rhythm.AsyncClient``: start work, signal, inspect and wait, on
Postgres. Every call releases the GIL while the Rust core talks to the database."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import _native

RhythmError = _native.RhythmError

DEFAULT_WAIT_SECONDS = 3600.0


def _database_url(database_url: str | None) -> str:
    url = database_url or os.environ.get("RHYTHM_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        raise RhythmError("no database: pass database_url= or set RHYTHM_DATABASE_URL or DATABASE_URL")
    return url


def _ms(duration: str | float | None) -> float | None:
    if duration is None:
        return None
    if isinstance(duration, (int, float)) and not isinstance(duration, bool):
        return float(duration) * 1000.0
    return _native.parse_duration_ms(str(duration))


_Time = datetime | str | None


def _time(value: _Time, what: str) -> str | None:
    """A time filter as the runtime reads it: RFC 3339 text, or a duration ago."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"{what} must be a timezone-aware datetime")
        return value.isoformat()
    return value


def _ago(value: str | float | None, what: str) -> str | None:
    """A duration filter: seconds become milliseconds in the duration grammar."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{what} must not be negative")
        return f"{round(value * 1000)}ms"
    return value


def _dumps(value: Any, what: str) -> str:
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} is not JSON-serializable: {exc}") from None


@dataclass(frozen=True)
class Execution:
    """One task or workflow execution as stored."""

    id: str
    kind: str
    name: str
    status: str
    inputs: Any
    output: Any
    error: Any
    queue: str
    priority: int
    parent_id: str | None
    raw: dict[str, Any]

    @classmethod
    def from_json(cls, text: str) -> Execution:
        """Builds one from the runtime's JSON."""
        data = json.loads(text)
        return cls(
            id=data["id"], kind=data["kind"], name=data["name"], status=data["status"],
            inputs=data.get("inputs"), output=data.get("output"), error=data.get("error"),
            queue=data.get("queue", "default"), priority=data.get("priority", 0),
            parent_id=data.get("parent_id"), raw=data,
        )

    @property
    def done(self) -> bool:
        """Whether it reached ``completed``, ``failed`` or ``cancelled``."""
        return self.status in ("completed", "failed", "cancelled")


class Client:
    """A synchronous client. ``database_url`` falls back to ``RHYTHM_DATABASE_URL``, then
    ``DATABASE_URL``."""

    def __init__(self, database_url: str | None = None) -> None:
        self._native = _native.NativeClient(_database_url(database_url))

    def migrate(self) -> None:
        """Applies the database migrations (safe from several processes at once)."""
        self._native.migrate()

    def register_workflow(self, name: str, source: str) -> str:
        """Stores a workflow's source as a version; returns the version (its SHA-256)."""
        return self._native.register_workflow(name, source)

    def register_tasks(self, *tasks: Any) -> list[str]:
        """Registers the definitions of ``@rhythm.task`` functions (or of every task in modules
        and dotted module names): their ``retries``, ``timeout`` and ``queue`` become the
        defaults of calls that leave those options out, in workflows (``Task.run``) and in
        ``queue_task``. A worker registers its tasks when it starts. Returns the names."""
        from .task import collect_tasks

        definitions = collect_tasks(list(tasks))
        self._native.register_task_definitions(
            json.dumps([{"name": d.name, "defaults": d.defaults()} for d in definitions])
        )
        return [d.name for d in definitions]

    def _start(self, kind: str, name: str, inputs: Any, id: Any, idempotency_key: Any, queue: Any,
               priority: Any, delay: Any, max_attempts: Any, timeout: Any) -> str:
        return self._native.start(
            kind, name, _dumps({} if inputs is None else inputs, "the inputs"), id, idempotency_key, queue,
            priority, _ms(delay), max_attempts, _ms(timeout),
        )

    def start_workflow(self, name: str, inputs: Any = None, *, id: str | None = None,
                       idempotency_key: str | None = None, queue: str | None = None,
                       priority: int | None = None, delay: str | float | None = None) -> str:
        """Starts the newest registered version of workflow ``name``; returns the execution id."""
        return self._start("workflow", name, inputs, id, idempotency_key, queue, priority, delay, None, None)

    def queue_task(self, name: str, inputs: Any = None, *, id: str | None = None,
                   idempotency_key: str | None = None, queue: str | None = None,
                   priority: int | None = None, delay: str | float | None = None,
                   max_attempts: int | None = None, timeout: str | float | None = None) -> str:
        """Queues a standalone task; returns the execution id."""
        return self._start("task", name, inputs, id, idempotency_key, queue, priority, delay, max_attempts, timeout)

    def queue_tasks(self, name: str, inputs: list[Any], *, queue: str | None = None,
                    priority: int | None = None, max_attempts: int | None = None,
                    timeout: str | float | None = None) -> list[str]:
        """Queues one standalone task ``name`` per element of ``inputs`` in one statement (one
        transaction); returns the execution ids in order."""
        return self._native.queue_tasks(name, _dumps(list(inputs), "the inputs"), queue, priority,
                                        max_attempts, _ms(timeout))

    def send_signal(self, execution_id: str, name: str, payload: Any = None) -> int:
        """Sends a signal to a workflow; returns its sequence number."""
        return self._native.send_signal(execution_id, name, _dumps(payload, "the signal payload"))

    def get(self, execution_id: str) -> Execution:
        """Reads one execution."""
        return Execution.from_json(self._native.get(execution_id))

    def inspect(self, execution_id: str) -> dict[str, Any]:
        """What an execution is doing and why, read from its saved state without running it:
        ``{id, status, workflow, version, location: {file, line, column, source} | None,
        frames: [{function, line, column, variables}], waiting_on: [{kind, name, since,
        reason, ...}], buffered_signals, children, logs, ...}`` (frames innermost first; the
        same object as ``rhythm inspect ID --format json``)."""
        return json.loads(self._native.inspect(execution_id))

    def history(self, execution_id: str) -> list[dict[str, Any]]:
        """An execution's history, oldest first: ``[{seq, at, type, data}]`` (``started``,
        ``attempt_claimed``, ``attempt_failed``, ``step``, ``signal_sent``, ``completed``, ...)."""
        return json.loads(self._native.history(execution_id))

    def workers(self) -> list[dict[str, Any]]:
        """Worker processes registered within the last hour: ``[{id, host, pid, queues,
        tasks, workflows, sdk, version, started_at, heartbeat_at, stopped_at,
        heartbeat_age_secs, live}]``."""
        return json.loads(self._native.workers())

    def queues(self) -> list[dict[str, Any]]:
        """Per queue: ``[{queue, ready, oldest_ready_age_secs, in_flight, delayed, paused}]``
        (``paused``: ``{by, reason, at}`` or ``None``)."""
        return json.loads(self._native.queues())

    def wait(self, execution_id: str, timeout: str | float | None = None) -> Execution:
        """Waits until the execution ends; ``TimeoutError`` after ``timeout`` (seconds or a
        duration string; default one hour)."""
        ms = _ms(timeout)
        return Execution.from_json(self._native.wait(execution_id, DEFAULT_WAIT_SECONDS * 1000 if ms is None else ms))

    def cancel(self, execution_id: str) -> bool:
        """Cancels an execution; ``False`` when it had already finished."""
        return bool(json.loads(self._native.cancel(execution_id))["cancelled"])

    def list(self, *, status: str | Sequence[str] | None = None, name: str | None = None,
             kind: str | None = None, limit: int | None = None, version: str | None = None,
             since: str | float | None = None, created_after: _Time = None,
             created_before: _Time = None, ended_after: _Time = None, ended_before: _Time = None,
             idempotency_key: str | None = None, parent_id: str | None = None,
             where: str | None = None, inputs: dict[str, Any] | None = None,
             after: str | None = None) -> list[dict[str, Any]]:
        """Executions, newest first: ``[{id, kind, name, status, created_at, completed_at}]``
        (one page: ``limit`` rows, default 100). The filters are those of ``list_page``."""
        return self.list_page(
            status=status, name=name, kind=kind, limit=limit, version=version, since=since,
            created_after=created_after, created_before=created_before, ended_after=ended_after,
            ended_before=ended_before, idempotency_key=idempotency_key, parent_id=parent_id,
            where=where, inputs=inputs, after=after)["executions"]

    def list_page(self, *, status: str | Sequence[str] | None = None, name: str | None = None,
                  kind: str | None = None, limit: int | None = None, version: str | None = None,
                  since: str | float | None = None, created_after: _Time = None,
                  created_before: _Time = None, ended_after: _Time = None,
                  ended_before: _Time = None, idempotency_key: str | None = None,
                  parent_id: str | None = None, where: str | None = None,
                  inputs: dict[str, Any] | None = None,
                  after: str | None = None) -> dict[str, Any]:
        """One page of executions, newest first: ``{"executions": [...], "next": cursor}``;
        pass ``next`` as ``after=`` for the following page (``None`` on the last one).

        Every filter given must hold: ``status`` (one, a list, or comma-separated), ``name``,
        ``kind`` (``"task"``/``"workflow"``), ``version`` (a content hash or a prefix naming
        one version), ``since`` (a duration string or seconds: created that recently),
        ``created_after``/``created_before``/``ended_after``/``ended_before`` (aware
        ``datetime``, RFC 3339 text or a duration ago; after is inclusive, before exclusive),
        ``idempotency_key``, ``parent_id``, and a match on the inputs: ``where`` (the CLI's
        ``--where`` text, ``'userId = "u1" and plan.tier = "pro"'``) or ``inputs`` (a dict the
        inputs must contain). Bad values raise ``ValueError``."""
        if since is not None and created_after is not None:
            raise ValueError("give since= or created_after=, not both")
        if isinstance(status, str):
            statuses = [s for s in status.split(",") if s]
        else:
            statuses = [] if status is None else [str(s) for s in status]
        filters: dict[str, Any] = {
            "status": statuses, "name": name, "kind": kind, "limit": limit, "version": version,
            "since": _ago(since, "since"),
            "created_after": _time(created_after, "created_after"),
            "created_before": _time(created_before, "created_before"),
            "ended_after": _time(ended_after, "ended_after"),
            "ended_before": _time(ended_before, "ended_before"),
            "idempotency_key": idempotency_key, "parent_id": parent_id, "where": where,
            "inputs": inputs, "after": after,
        }
        text = _dumps({k: v for k, v in filters.items() if v is not None}, "the filters")
        return json.loads(self._native.list_page(text))

    # Operator actions: each is recorded in the execution's history with ``by`` (default
    # ``user@host``) and ``reason``; one that does not apply raises ``RhythmError`` and changes
    # nothing.

    def retry(self, execution_id: str, *, reason: str | None = None, by: str | None = None) -> None:
        """Retries a failed execution: a new attempt of the task that failed (a workflow goes
        back to the await where it failed and continues from there)."""
        self._native.retry(execution_id, reason, by)

    def pause(self, execution_id: str, *, reason: str | None = None, by: str | None = None) -> int:
        """Pauses an execution and what it started: no steps, queued tasks held; signals,
        results and timers that arrive meanwhile are kept. Returns how many were paused."""
        return self._native.pause(execution_id, reason, by)

    def resume(self, execution_id: str, *, reason: str | None = None, by: str | None = None) -> int:
        """Resumes a paused execution. Returns how many executions were resumed."""
        return self._native.resume(execution_id, reason, by)

    def pause_queue(self, queue: str, *, reason: str | None = None, by: str | None = None) -> None:
        """Stops every worker from claiming tasks and steps of ``queue``."""
        self._native.pause_queue(queue, True, reason, by)

    def resume_queue(self, queue: str, *, reason: str | None = None, by: str | None = None) -> None:
        """Lets workers claim from ``queue`` again."""
        self._native.pause_queue(queue, False, reason, by)

    def bulk(self, action: str, *, workflow: str | None = None, status: str | None = None,
             since: str | float | None = None, version: str | None = None, dry_run: bool = False,
             reason: str | None = None, by: str | None = None) -> dict[str, Any]:
        """Applies ``action`` (``retry``, ``cancel``, ``pause``, ``resume``) to every execution
        matching the filter, 500 at a time: ``{action, dry_run, matched, applied, skipped}``
        (``dry_run=True``: only ``matched``, nothing changes)."""
        return json.loads(self._native.bulk(action, workflow, status, _ms(since), version, dry_run, reason, by))


class AsyncClient:
    """The same methods as ``Client``, as coroutines (each call runs in a worker thread with
    the GIL released while it waits on Postgres)."""

    def __init__(self, database_url: str | None = None) -> None:
        self._sync = Client(database_url)

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._sync, name)
        if not callable(method):
            return method

        async def call(*args: Any, **kwargs: Any) -> Any:
            return await asyncio.to_thread(method, *args, **kwargs)

        call.__name__ = name
        call.__doc__ = method.__doc__
        return call
