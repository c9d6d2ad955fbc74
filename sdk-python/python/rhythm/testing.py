"""Unit tests for workflows: the in-memory test kit, a fake clock, no database.

``WorkflowEnvironment`` runs ``.flow`` workflows with the real interpreter. Tasks are either
real ``@rhythm.task`` functions (``register``) or stubs (``stub_task``); time only moves when
nothing can run, so a 48-hour timeout takes no real time. A ``Run``'s ``repr`` carries its
timeline, so a failing ``assert run.status == "completed"`` shows what happened.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Callable

from . import _native
from .task import TaskDefinition, definition_of, invoke

WorkflowTestError = _native.WorkflowTestError

_MISSING: Any = object()


def _ms(duration: str | float | int) -> float:
    """Milliseconds of a duration string, or of a number of seconds."""
    if isinstance(duration, (int, float)) and not isinstance(duration, bool):
        return float(duration) * 1000.0
    return _native.parse_duration_ms(str(duration))


def _dumps(value: Any, what: str) -> str:
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} is not JSON-serializable: {exc}") from None


@dataclass(frozen=True)
class Call:
    """One task attempt as it started."""

    task: str
    attempt: int
    inputs: Any
    at_ms: float
    execution: int


class Run:
    """One workflow execution in a ``WorkflowEnvironment``."""

    def __init__(self, env: WorkflowEnvironment, exec_id: int, name: str) -> None:
        self._env = env
        self.id = exec_id
        self.name = name

    @property
    def status(self) -> str:
        """``running``, ``waiting``, ``completed``, ``failed`` or ``cancelled``."""
        return self._env._native.status(self.id)

    @property
    def output(self) -> Any:
        """The output of a completed run (``None`` otherwise)."""
        text = self._env._native.output(self.id)
        return None if text is None else json.loads(text)

    @property
    def error(self) -> Any:
        """The error of a failed or cancelled run (``None`` otherwise)."""
        text = self._env._native.error(self.id)
        return None if text is None else json.loads(text)

    @property
    def calls(self) -> list[Call]:
        """Task attempts of this run, in the order they started."""
        return [c for c in self._env.calls if c.execution == self.id]

    @property
    def task_names(self) -> list[str]:
        """The task names of ``calls``."""
        return [c.task for c in self.calls]

    @property
    def logs(self) -> list[str]:
        """``console.log`` lines of this run."""
        return list(self._env._native.logs(self.id))

    @property
    def timeline(self) -> str:
        """The readable timeline of everything that happened in the environment."""
        return self._env.timeline

    def describe(self) -> str:
        """Status, output or error, logs and timeline, for failure messages."""
        lines = [f"run {self.name!r} #{self.id}: {self.status}"]
        if self.output is not None:
            lines.append(f"output: {json.dumps(self.output)}")
        if self.error is not None:
            lines.append(f"error: {json.dumps(self.error)}")
        if self.logs:
            lines.append("logs:")
            lines.extend(f"  {line}" for line in self.logs)
        lines.append("timeline:")
        lines.extend(f"  {line}" for line in self.timeline.splitlines())
        return "\n".join(lines)

    def expect(self, status: str | None = None, *, output: Any = _MISSING, error: dict[str, Any] | None = None) -> Run:
        """Asserts the status, the exact output and a subset of the error; the message of a
        failure carries the timeline. Returns the run."""
        problems = []
        if status is not None and self.status != status:
            problems.append(f"status is {self.status!r}, expected {status!r}")
        if output is not _MISSING and self.output != output:
            problems.append(f"output is {json.dumps(self.output)}, expected {json.dumps(output)}")
        if error is not None:
            actual = self.error if isinstance(self.error, dict) else {}
            wrong = {k: v for k, v in error.items() if actual.get(k) != v}
            if wrong:
                problems.append(f"error is {json.dumps(self.error)}, expected it to contain {json.dumps(error)}")
        if problems:
            raise AssertionError("; ".join(problems) + "\n" + self.describe())
        return self

    def __repr__(self) -> str:
        return f"<Run {self.describe()}\n>"


class WorkflowEnvironment:
    """The in-memory test kit over the workflows of one or more folders.

    ``workflows`` is a folder or a list of folders (the first folder wins a name); it defaults
    to ``./workflows``. ``start`` is the fake clock's start in milliseconds since the Unix epoch
    (default 2026-01-01T00:00:00Z); ``seed`` seeds ``Math.random``.
    """

    def __init__(
        self,
        workflows: str | os.PathLike[str] | list[str | os.PathLike[str]] = "./workflows",
        *,
        start_ms: float | None = None,
        seed: int | None = None,
    ) -> None:
        folders = workflows if isinstance(workflows, list) else [workflows]
        self._native = _native.NativeEnvironment([os.fspath(f) for f in folders], start_ms, seed)
        self._runs: list[Run] = []

    # -- workflows and tasks -------------------------------------------------------------

    def add_workflow(self, name: str, source: str) -> None:
        """Adds (or replaces) workflow ``name`` from source text."""
        self._native.add_workflow(name, source)

    @property
    def workflows(self) -> list[str]:
        """The known workflow names."""
        return list(self._native.workflow_names())

    def register(self, *functions: Callable[..., Any], takes: str | float | None = None) -> None:
        """Runs these ``@rhythm.task`` functions (sync or async) for real when the workflow
        calls them; each attempt lasts ``takes`` of fake time (default none). The decorator's
        ``retries``, ``timeout`` and ``queue`` apply to calls that leave them out, as on
        Postgres."""
        takes_ms = 0.0 if takes is None else _ms(takes)
        for fn in functions:
            definition = definition_of(fn)
            if definition is None:
                raise TypeError(f"{fn!r} is not a @rhythm.task function")
            self._native.set_task_defaults(definition.name, json.dumps(definition.defaults()))
            self._native.stub_callable("task", definition.name, _task_callable(definition, takes_ms))

    def stub_task(
        self,
        name: str,
        output: Any = _MISSING,
        *,
        error: dict[str, Any] | None = None,
        takes: str | float | None = None,
        fn: Callable[..., Any] | None = None,
        results: list[dict[str, Any]] | None = None,
    ) -> None:
        """Stubs task ``name``: every attempt gives ``output`` (default ``None``) or fails with
        ``error`` (an object such as ``{"type": "Declined", "message": "..."}``), lasting
        ``takes``. ``fn(inputs, attempt)`` computes a result (its exception fails the attempt).
        ``results=[{"output": ...}, {"error": ...}, ...]`` gives successive attempts, the last
        repeating."""
        self._stub("task", name, output, error, takes, fn, results)

    def stub_workflow(
        self,
        name: str,
        output: Any = _MISSING,
        *,
        error: dict[str, Any] | None = None,
        takes: str | float | None = None,
        fn: Callable[..., Any] | None = None,
        results: list[dict[str, Any]] | None = None,
    ) -> None:
        """Stubs child workflow ``name`` instead of running it; arguments as ``stub_task``."""
        self._stub("workflow", name, output, error, takes, fn, results)

    def _stub(self, kind: str, name: str, output: Any, error: Any, takes: Any, fn: Any, results: Any) -> None:
        given = sum(x is not None for x in (error, fn, results)) + (output is not _MISSING)
        if given > 1:
            raise ValueError("give one of output=, error=, fn= or results=")
        takes_ms = 0.0 if takes is None else _ms(takes)
        if fn is not None:
            self._native.stub_callable(kind, name, _plain_callable(fn, takes_ms))
            return
        if results is None:
            results = [{"error": error}] if error is not None else [{"output": None if output is _MISSING else output}]
        raw = []
        for entry in results:
            step_ms = takes_ms if entry.get("takes") is None else _ms(entry["takes"])
            if "error" in entry and entry["error"] is not None:
                raw.append((False, _dumps(entry["error"], f"the error of stub {name!r}"), step_ms))
            else:
                raw.append((True, _dumps(entry.get("output"), f"the output of stub {name!r}"), step_ms))
        self._native.stub_results(kind, name, raw)

    # -- running -------------------------------------------------------------------------

    def start(self, name: str, inputs: Any = None) -> Run:
        """Starts workflow ``name``; it runs at once up to its first wait."""
        exec_id = self._native.start(name, _dumps({} if inputs is None else inputs, "the inputs"))
        run = Run(self, exec_id, name)
        self._runs.append(run)
        return run

    def run(self, name: str, inputs: Any = None) -> Run:
        """Starts workflow ``name`` and runs it until it ends (or waits with nothing scheduled)."""
        run = self.start(name, inputs)
        self._native.run_until_done(run.id)
        return run

    def signal(self, run: Run, name: str, payload: Any = None, *, after: str | float | None = None) -> None:
        """Sends signal ``name`` to ``run`` now, or ``after`` a duration of fake time."""
        text = _dumps(payload, "the signal payload")
        if after is None:
            self._native.signal(run.id, name, text)
        else:
            self._native.signal_after(run.id, _ms(after), name, text)

    def cancel(self, run: Run) -> None:
        """Asks to cancel ``run`` now."""
        self._native.cancel(run.id)

    def advance(self, duration: str | float) -> None:
        """Runs everything due within ``duration`` of fake time (a string, or seconds)."""
        self._native.advance(_ms(duration))

    def run_until_idle(self) -> None:
        """Runs until nothing is scheduled (the clock jumps from one due thing to the next)."""
        self._native.run_until_idle()

    def run_until_done(self, run: Run) -> None:
        """Runs until ``run`` ends or nothing is scheduled; the clock stops where it ended."""
        self._native.run_until_done(run.id)

    # -- inspecting ----------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every task attempt of every run, in the order attempts started."""
        return [
            Call(task=c["task"], attempt=c["attempt"], inputs=c["inputs"], at_ms=c["at_ms"], execution=c["execution"])
            for c in json.loads(self._native.calls())
        ]

    @property
    def timeline(self) -> str:
        """The readable timeline of everything that happened."""
        return self._native.timeline()

    @property
    def elapsed_ms(self) -> float:
        """Fake time passed since the start, in milliseconds."""
        return self._native.elapsed_ms()


def _task_callable(definition: TaskDefinition, takes_ms: float) -> Callable[[str, str, int, int], tuple[bool, str, float]]:
    def call(_name: str, inputs_json: str, _attempt: int, _index: int) -> tuple[bool, str, float]:
        ok, text = invoke(definition, inputs_json)
        return ok, text, takes_ms

    return call


def _plain_callable(fn: Callable[..., Any], takes_ms: float) -> Callable[[str, str, int, int], tuple[bool, str, float]]:
    def call(_name: str, inputs_json: str, attempt: int, _index: int) -> tuple[bool, str, float]:
        from .task import error_value, run_coroutine
        import inspect

        try:
            result = fn(json.loads(inputs_json), attempt)
            if inspect.isawaitable(result):
                result = run_coroutine(result)
            return True, json.dumps(result, allow_nan=False), takes_ms
        except Exception as exc:
            return False, json.dumps(error_value(exc), default=str), takes_ms

    return call


__all__ = ["Call", "Run", "WorkflowEnvironment", "WorkflowTestError"]
