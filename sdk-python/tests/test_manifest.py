"""The task manifest and the ``rhythm`` console command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from rhythm.manifest import build_manifest, write_manifest
from conftest import REPO, TESTS

EXPECTED = {
    "tasks": [
        {
            "name": "cancel-order",
            "parameters": [{"name": "orderId", "annotation": "str", "required": True}],
            "extra_inputs": False,
            "doc": "Cancel the order and tell the customer.",
            "queue": "default",
            "retries": None,
            "timeout": None,
        },
        {
            "name": "process-payment",
            "parameters": [
                {"name": "amount", "annotation": "float", "required": True},
                {"name": "userId", "annotation": "str", "required": True},
                {"name": "currency", "annotation": "str", "required": False},
            ],
            "extra_inputs": False,
            "doc": "Charge the user's card.",
            "queue": "default",
            "retries": 3,
            "timeout": "30s",
        },
    ]
}


def test_manifest_shape():
    assert build_manifest(["sample_tasks.orders"]) == EXPECTED


def test_write_manifest(tmp_path):
    path = write_manifest(["sample_tasks.orders"], tmp_path / ".rhythm" / "tasks.json")
    assert json.loads(path.read_text()) == EXPECTED


def _env():
    return {**os.environ, "PYTHONPATH": str(TESTS)}


def test_python_m_rhythm_manifest():
    out = subprocess.run(
        [sys.executable, "-m", "rhythm", "manifest", "--tasks", "sample_tasks.orders"],
        capture_output=True, text=True, env=_env(), check=True,
    )
    assert json.loads(out.stdout) == EXPECTED


def test_console_command_checks_the_examples():
    rhythm = shutil.which("rhythm", path=os.path.dirname(sys.executable))
    assert rhythm, "the wheel installs a `rhythm` console command beside the interpreter"
    out = subprocess.run([rhythm, "check", "examples/workflows"], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stderr
    assert ": 0 errors" in out.stdout + out.stderr


def test_console_command_reports_errors_and_usage(tmp_path):
    (tmp_path / "bad.flow").write_text("let x = \n")
    rhythm = shutil.which("rhythm", path=os.path.dirname(sys.executable))
    out = subprocess.run([rhythm, "check", "bad.flow"], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 1
    out = subprocess.run([rhythm, "no-such-command"], capture_output=True, text=True)
    assert out.returncode == 2 and "unrecognized subcommand" in out.stderr
    out = subprocess.run([rhythm, "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("rhythm ")


def test_rhythm_check_reads_the_manifest_python_writes(tmp_path):
    project = tmp_path / "project"
    (project / "workflows").mkdir(parents=True)
    (project / "workflows" / "order.flow").write_text(
        'await Task.run("process-payment", { amount: 1, userid: "u" })\n'
        'await Task.run("cancel-ordr", { orderId: "o" })\n'
        'return await Task.run("cancel-order", { orderId: "o", currency: "EUR" })\n'
    )
    subprocess.run(
        [sys.executable, "-m", "rhythm", "manifest", "--tasks", "sample_tasks.orders", "-o", str(project / ".rhythm" / "tasks.json")],
        env=_env(), check=True,
    )
    rhythm = shutil.which("rhythm", path=os.path.dirname(sys.executable))
    out = subprocess.run([rhythm, "check", "--format", "json", "workflows"], capture_output=True, text=True, cwd=project)
    assert out.returncode == 0, out.stderr  # warnings only
    found = sorted((d["line"], d["code"], d["message"]) for d in json.loads(out.stdout))
    assert found == [
        (1, "missing-task-input", "task `process-payment` needs the input `userId`"),
        (1, "unknown-task-input", "task `process-payment` has no input `userid`; did you mean `userId`?"),
        (2, "unknown-task", "no task named `cancel-ordr` is defined in the task manifest; did you mean `cancel-order`?"),
        (3, "unknown-task-input", "task `cancel-order` has no input `currency`"),
    ]
    # Without the manifest the same file is clean.
    (project / ".rhythm" / "tasks.json").unlink()
    out = subprocess.run([rhythm, "check", "--format", "json", "workflows"], capture_output=True, text=True, cwd=project)
    assert json.loads(out.stdout) == []
