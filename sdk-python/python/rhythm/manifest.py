"""The task manifest (``.rhythm/tasks.json``) the language server and analyzer read.

Shape: ``{"tasks": [{"name", "parameters": [{"name", "annotation", "required"}],
"extra_inputs", "doc", "queue", "retries", "timeout"}]}`` (``retries``: a count or
``{max, initial, factor, maxDelay}``), tasks sorted by name, parameters in
declaration order; ``extra_inputs`` says the function also takes ``**kwargs`` (``rhythm check``
and the language server then accept any input name).
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any, Iterable

from .task import TaskDefinition, collect_tasks


def _annotation_text(annotation: Any) -> str | None:
    if annotation is inspect.Parameter.empty:
        return None
    if isinstance(annotation, str):
        return annotation
    if isinstance(annotation, type) and annotation.__module__ == "builtins":
        return annotation.__qualname__
    if isinstance(annotation, type):
        return f"{annotation.__module__}.{annotation.__qualname__}"
    return str(annotation).replace("typing.", "")


def task_entry(definition: TaskDefinition) -> dict[str, Any]:
    """The manifest entry of one task."""
    parameters = []
    extra_inputs = False
    for parameter in inspect.signature(definition.fn).parameters.values():
        if parameter.kind == parameter.VAR_KEYWORD:
            extra_inputs = True
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD, parameter.POSITIONAL_ONLY):
            continue
        parameters.append(
            {
                "name": parameter.name,
                "annotation": _annotation_text(parameter.annotation),
                "required": parameter.default is inspect.Parameter.empty,
            }
        )
    return {
        "name": definition.name,
        "parameters": parameters,
        "extra_inputs": extra_inputs,
        "doc": definition.doc,
        **definition.defaults(),
    }


def build_manifest(sources: Iterable[Any]) -> dict[str, Any]:
    """The manifest of the tasks found in ``sources`` (functions, modules, dotted names)."""
    return {"tasks": [task_entry(d) for d in collect_tasks(sources)]}


def manifest_json(sources: Iterable[Any]) -> str:
    """The manifest as indented JSON text (with a final newline)."""
    return json.dumps(build_manifest(sources), indent=2) + "\n"


def write_manifest(sources: Iterable[Any], path: str | Path = ".rhythm/tasks.json") -> Path:
    """Writes the manifest to ``path`` (creating its folder); returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(manifest_json(sources), encoding="utf-8")
    return target
