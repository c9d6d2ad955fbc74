"""The ``@rhythm.task`` decorator and the one place a task function is invoked.

A task receives the JSON object of its inputs as keyword arguments and returns a
JSON-serializable value. A task that raises fails its attempt with
``{"type": <exception class name>, "message": str(exc), "traceback": <formatted traceback>}``.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import json
import threading
import traceback
import types
from dataclasses import dataclass
from typing import Any, Callable, Iterable, NamedTuple, TypeVar, overload

from . import _native

F = TypeVar("F", bound=Callable[..., Any])

#: Attribute set on decorated functions.
TASK_ATTRIBUTE = "__rhythm_task__"


@dataclass(frozen=True)
class Retry:
    """A retry policy for ``@rhythm.task(retries=Retry(...))``: at most ``max`` retries after
    the first attempt, the first after ``initial``, each next delay ``factor`` times the last,
    none longer than ``max_delay``. Durations are strings (``"500ms"``, ``"1m"``) or seconds.
    ``retries=3`` is ``Retry(max=3)``."""

    max: int = 3
    initial: str | float = "1s"
    factor: float = 2.0
    max_delay: str | float | None = None

    def to_json(self) -> dict[str, Any]:
        """The policy as a ``.flow`` file writes it (``{max, initial, factor, maxDelay}``)."""
        return {"max": self.max, "initial": self.initial, "factor": self.factor, "maxDelay": self.max_delay}


@dataclass(frozen=True)
class TaskDefinition:
    """What ``@task`` records about a function."""

    name: str
    fn: Callable[..., Any]
    retries: int | Retry | None
    timeout: str | None
    timeout_ms: float | None
    queue: str
    doc: str | None

    @property
    def is_async(self) -> bool:
        """Whether the function is ``async def``."""
        return inspect.iscoroutinefunction(self.fn)

    def defaults(self) -> dict[str, Any]:
        """The options a workflow's ``Task.run`` of this task gets when it leaves them out:
        ``{"queue", "retries", "timeout"}`` (the shape of the task manifest)."""
        retries = self.retries.to_json() if isinstance(self.retries, Retry) else self.retries
        return {"queue": self.queue, "retries": retries, "timeout": self.timeout}


class TaskOutputError(TypeError):
    """A task returned a value that cannot be stored as JSON."""


def default_task_name(fn: Callable[..., Any]) -> str:
    """The name a task gets without ``name=``: the function name with ``_`` as ``-``
    (``process_payment`` → ``process-payment``), the convention of ``.flow`` files."""
    return fn.__name__.replace("_", "-")


@overload
def task(fn: F, /) -> F: ...
@overload
def task(
    *,
    name: str | None = None,
    retries: int | Retry | None = None,
    timeout: str | float | None = None,
    queue: str = "default",
) -> Callable[[F], F]: ...


def task(
    fn: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    retries: int | Retry | None = None,
    timeout: str | float | None = None,
    queue: str = "default",
) -> Any:
    """Marks a function (plain or ``async def``) as a Rhythm task.

    ``@task`` and ``@task(name="process-payment", retries=3, timeout="30s", queue="default")``
    both work. The function is returned unchanged (callable as before) with the definition in
    its ``__rhythm_task__`` attribute. ``timeout`` is a duration string (``"30s"``, ``"1h30m"``)
    or a number of seconds.

    ``retries``, ``timeout`` and ``queue`` are the task's defaults: a workflow's
    ``Task.run(name, inputs)`` that leaves an option out gets the decorator's (its own options
    win), on Postgres as in ``rhythm.testing`` and ``rhythm test``. ``retries`` is a count or a
    :class:`Retry` policy; without it a task is attempted once.
    """

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        if not callable(f):
            raise TypeError(f"@rhythm.task needs a function, got {f!r}")
        if retries is not None and (
            isinstance(retries, bool) or not isinstance(retries, (int, Retry)) or (isinstance(retries, int) and retries < 0)
        ):
            raise ValueError(
                f"@rhythm.task(retries=...) must be a non-negative int or a rhythm.Retry, got {retries!r}"
            )
        if not isinstance(queue, str) or not queue:
            raise ValueError(f"@rhythm.task(queue=...) must be a queue name, got {queue!r}")
        timeout_text = None if timeout is None else str(timeout)
        timeout_ms = None if timeout_text is None else _native.parse_duration_ms(timeout_text)
        definition = TaskDefinition(
            name=name or default_task_name(f),
            fn=f,
            retries=retries,
            timeout=timeout_text,
            timeout_ms=timeout_ms,
            queue=queue,
            doc=inspect.getdoc(f),
        )
        try:
            _native.check_task_defaults(definition.name, json.dumps(definition.defaults()))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"@rhythm.task: {exc}") from None
        setattr(f, TASK_ATTRIBUTE, definition)
        return f

    if fn is not None:
        return decorate(fn)
    return decorate


def definition_of(obj: Any) -> TaskDefinition | None:
    """The task definition of a decorated function, or ``None``."""
    definition = getattr(obj, TASK_ATTRIBUTE, None)
    return definition if isinstance(definition, TaskDefinition) else None


def collect_tasks(sources: Iterable[Any]) -> list[TaskDefinition]:
    """Task definitions from decorated functions, modules (every decorated function in them)
    and dotted module names (imported). Two different functions with one name are an error."""
    found: dict[str, TaskDefinition] = {}

    def add(definition: TaskDefinition) -> None:
        known = found.get(definition.name)
        if known is not None and known.fn is not definition.fn:
            raise ValueError(
                f"two tasks are named {definition.name!r}: "
                f"{_qualname(known.fn)} and {_qualname(definition.fn)}"
            )
        found[definition.name] = definition

    for source in sources:
        if isinstance(source, str):
            import importlib

            source = importlib.import_module(source)
        if isinstance(source, types.ModuleType):
            for value in vars(source).values():
                definition = definition_of(value)
                if definition is not None:
                    add(definition)
            continue
        definition = definition_of(source)
        if definition is None:
            raise TypeError(f"{source!r} is not a @rhythm.task function or a module")
        add(definition)
    return sorted(found.values(), key=lambda d: d.name)


def _qualname(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


def error_value(exc: BaseException) -> dict[str, Any]:
    """The stored failure of an attempt that raised ``exc``."""
    return {
        "type": type(exc).__name__,
        "message": str(exc),
        "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    }


#: One encoder for every result (``json.dumps`` with options builds a new one per call).
_ENCODER = json.JSONEncoder(allow_nan=False)


def output_json(definition: TaskDefinition, value: Any) -> str:
    """The JSON text of a task's return value, or ``TaskOutputError`` saying why it has none."""
    if value is None:
        return "null"
    try:
        return _ENCODER.encode(value)
    except (TypeError, ValueError) as exc:
        raise TaskOutputError(
            f"task {definition.name!r} returned a value that is not JSON-serializable "
            f"({type(value).__name__}): {exc}"
        ) from None


def run_coroutine(coroutine: Any) -> Any:
    """Runs a coroutine to the end from synchronous code, even when the calling thread already
    runs an event loop (then on a fresh loop in a helper thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="rhythm-task")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


class TaskInfo(NamedTuple):
    """The attempt a task function is running for (see ``current_task``)."""

    execution_id: str
    name: str
    attempt: int


_CURRENT: contextvars.ContextVar[TaskInfo | None] = contextvars.ContextVar("rhythm_task", default=None)


def current_task() -> TaskInfo | None:
    """Inside a task run by a ``rhythm.Worker``: its execution id, name and attempt number
    (1 for the first); ``None`` elsewhere."""
    return _CURRENT.get()


_loads = json.loads


def _inputs(definition: TaskDefinition, inputs_json: str) -> dict[str, Any]:
    inputs = _loads(inputs_json) if inputs_json else {}
    if type(inputs) is dict:
        return inputs
    if inputs is None:
        return {}
    if not isinstance(inputs, dict):
        raise TypeError(
            f"task {definition.name!r} takes a JSON object of keyword arguments, "
            f"got {type(inputs).__name__}"
        )
    return inputs


def _failure(exc: BaseException) -> tuple[bool, str]:
    return False, json.dumps(error_value(exc), default=str)


def invoke(definition: TaskDefinition, inputs_json: str, info: TaskInfo | None = None) -> tuple[bool, str]:
    """Runs one attempt synchronously: ``(True, output_json)`` or ``(False, error_json)``.
    ``async def`` tasks run to the end on an event loop."""
    token = _CURRENT.set(info) if info is not None else None
    try:
        result = definition.fn(**_inputs(definition, inputs_json))
        if inspect.isawaitable(result):
            result = run_coroutine(result)
        return True, output_json(definition, result)
    except Exception as exc:
        return _failure(exc)
    finally:
        if token is not None:
            _CURRENT.reset(token)


async def invoke_async(definition: TaskDefinition, inputs_json: str, info: TaskInfo | None = None) -> tuple[bool, str]:
    """Runs one attempt of an ``async def`` task on the running event loop: ``(True,
    output_json)`` or ``(False, error_json)``."""
    if info is not None:
        _CURRENT.set(info)  # this coroutine runs in its own copy of the context
    try:
        result = definition.fn(**_inputs(definition, inputs_json))
        if inspect.isawaitable(result):
            result = await result
        return True, output_json(definition, result)
    except Exception as exc:
        return _failure(exc)
