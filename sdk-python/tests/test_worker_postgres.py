"""Worker PROCESSES (``python -m rhythm worker``) serving real Python tasks on real Postgres: sync
and async tasks, retries, timeouts, task exceptions, signals, cancellation, standalone tasks,
idempotent starts, a worker killed with SIGKILL mid-task, SIGTERM graceful shutdown.

Each test gets a fresh database (conftest.py) and is skipped only when the server is
unreachable. The tasks are in worker_tasks.py; ``record`` logs every attempt's start and end to
a file so runs can be counted per attempt across processes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

import rhythm
from conftest import TESTS

#: Generous bounds for a loaded 2-core machine; no test relies on them for its verdict.
WAIT = 25.0

FLOWS = {
    "both": 'let a = await Task.run("add", { a: Inputs.x, b: 1 })\n'
            'let b = await Task.run("async-add", { a: a, b: 1 })\n'
            "return [a, b]\n",
    "careful": 'try { return await Task.run("charge", { amount: Inputs.amount }) }\n'
               "catch (err) { return { type: err.type, task: err.task, cause: err.cause } }\n",
    "retrying": 'let a = await Task.run("flaky", { fails: 2 }, { retries: { max: 2, initial: "50ms" } })\n'
                'let b = await Task.run("async-flaky", { fails: 1 }, { retries: { max: 1, initial: "50ms" } })\n'
                "return [a, b]\n",
    "patient": 'return await Task.run("patient-flaky", { fails: 2 })\n',
    "too_slow": 'try { return await Task.run("async-sleep", { seconds: 20 }, { timeout: "500ms" }) }\n'
                "catch (err) { return [err.type, err.cause.type] }\n",
    "approval": 'let approval = await Signal.when("approve")\n'
                'return await Task.run("add", { a: approval.n, b: 1 })\n',
    "cancellable": 'try { await Signal.when("never") }\n'
                   'finally { await Task.run("record", { key: "cleanup" }) }\n',
    "recorded": 'return await Task.run("record", { key: Inputs.key, seconds: Inputs.seconds }, { retries: 3 })\n',
    "incident": 'let a = await Task.run("add", { a: 1, b: 1 })\n'
                'let b = await Task.run("fixable", { n: a })\n'
                "return [a, b]\n",
}


@dataclass
class Run:
    """One line of the attempt log."""

    event: str
    key: str
    execution_id: str
    attempt: int
    pid: int


class Env:
    """A database with the test workflows registered, a client, and worker processes."""

    def __init__(self, url: str, tmp: Path) -> None:
        self.url = url
        self.tmp = tmp
        self.flows = tmp / "workflows"
        self.flows.mkdir()
        for name, source in FLOWS.items():
            (self.flows / f"{name}.flow").write_text(source)
        self.log = tmp / "runs.log"
        self.log.touch()
        self.client = rhythm.Client(url)
        self.client.migrate()
        for name, source in FLOWS.items():
            self.client.register_workflow(name, source)
        self.workers: list[subprocess.Popen] = []

    def worker(self, *args: str) -> subprocess.Popen:
        """Starts ``python -m rhythm worker`` on the test tasks and workflows."""
        n = len(self.workers)
        process = subprocess.Popen(
            [sys.executable, "-m", "rhythm", "worker", "--workflows", str(self.flows),
             "--tasks", "worker_tasks", "--database-url", self.url, *args],
            cwd=self.tmp,
            env={**os.environ, "PYTHONPATH": str(TESTS), "RHYTHM_TEST_LOG": str(self.log)},
            stdout=subprocess.DEVNULL,
            stderr=open(self.tmp / f"worker-{n}.err", "w"),
        )
        self.workers.append(process)
        return process

    def runs(self) -> list[Run]:
        """The attempt log so far."""
        out = []
        for line in self.log.read_text().splitlines():
            event, key, execution_id, attempt, pid = line.split()
            out.append(Run(event, key, execution_id, int(attempt), int(pid)))
        return out

    def wait_until(self, what: str, condition: Callable[[], bool]) -> None:
        """Polls ``condition`` until it holds (the state is in Postgres or the log file)."""
        deadline = time.monotonic() + WAIT
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting until {what}; workers: {self.stderr()}")
            time.sleep(0.05)

    def stderr(self) -> str:
        """The workers' stderr, for failure messages."""
        return "\n".join(p.read_text() for p in sorted(self.tmp.glob("worker-*.err")))

    def stop(self) -> None:
        """Stops every worker still running (SIGTERM, then SIGKILL)."""
        for process in self.workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.workers:
            try:
                process.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def env(database_url, tmp_path):
    e = Env(database_url, tmp_path)
    yield e
    e.stop()


@pytest.fixture
def served(env):
    """The env with one worker process running."""
    env.worker()
    return env


def test_sync_and_async_tasks_standalone_and_in_a_workflow(served):
    client = served.client
    sync_id = client.queue_task("add", {"a": 2, "b": 3})
    async_id = client.queue_task("async-add", {"a": 4, "b": 5})
    assert client.wait(sync_id, timeout=WAIT).output == 5
    assert client.wait(async_id, timeout=WAIT).output == 9
    run = client.wait(client.start_workflow("both", {"x": 1}), timeout=WAIT)
    assert (run.status, run.output) == ("completed", [2, 3])


def test_a_task_exception_is_caught_in_the_workflow_with_its_class_name(served):
    run = served.client.wait(served.client.start_workflow("careful", {"amount": 5000}), timeout=WAIT)
    assert run.status == "completed"
    assert run.output["type"] == "TaskFailed"
    assert run.output["task"] == "charge"
    cause = run.output["cause"]
    assert {"type", "message", "traceback"} <= set(cause)  # the workflow view may add `name`
    assert cause["type"] == "PaymentDeclined"
    assert cause["message"] == "amount 5000 over the limit"
    assert cause["traceback"].startswith("Traceback (most recent call last)")
    assert 'raise PaymentDeclined(f"amount {amount} over the limit")' in cause["traceback"]


def test_a_standalone_task_stores_the_same_error_shape(served):
    failed = served.client.wait(served.client.queue_task("charge", {"amount": 5000}, max_attempts=1), timeout=WAIT)
    assert failed.status == "failed"
    assert set(failed.error) == {"type", "message", "traceback"}
    assert (failed.error["type"], failed.error["message"]) == ("PaymentDeclined", "amount 5000 over the limit")
    assert "worker_tasks.py" in failed.error["traceback"]
    bad = served.client.wait(served.client.queue_task("not-json", max_attempts=1), timeout=WAIT)
    assert bad.error["type"] == "TaskOutputError"
    assert "not JSON-serializable" in bad.error["message"]


def test_retries_in_a_workflow_and_for_standalone_tasks(served):
    client = served.client
    run = client.wait(client.start_workflow("retrying"), timeout=WAIT)
    assert (run.status, run.output) == ("completed", [{"attempt": 3}, {"attempt": 2}])
    standalone = client.wait(client.queue_task("flaky", {"fails": 1}, max_attempts=2), timeout=WAIT)
    assert (standalone.status, standalone.output) == ("completed", {"attempt": 2})
    exhausted = client.wait(client.queue_task("flaky", {"fails": 5}, max_attempts=2), timeout=WAIT)
    assert exhausted.status == "failed"
    assert (exhausted.error["type"], exhausted.error["message"]) == ("ConnectionError", "attempt 2 failed")


def test_the_decorator_s_retries_apply_when_the_caller_sets_none(served):
    client = served.client
    run = client.wait(client.start_workflow("patient"), timeout=WAIT)
    assert (run.status, run.output) == ("completed", {"attempt": 3})
    standalone = client.wait(client.queue_task("patient-flaky", {"fails": 2}), timeout=WAIT)
    assert (standalone.status, standalone.output) == ("completed", {"attempt": 3})


def test_timeouts_from_the_workflow_and_from_the_decorator(served):
    client = served.client
    run = client.wait(client.start_workflow("too_slow"), timeout=WAIT)
    assert (run.status, run.output) == ("completed", ["TaskFailed", "Timeout"])
    # @rhythm.task(timeout="1s") applies when the caller sets none.
    slow = client.wait(client.queue_task("sleepy", {"seconds": 5}, max_attempts=1), timeout=WAIT)
    assert (slow.status, slow.error["type"]) == ("failed", "Timeout")
    fast = client.wait(client.queue_task("sleepy", {"seconds": 0}, max_attempts=1), timeout=WAIT)
    assert (fast.status, fast.output) == ("completed", "slept")


def test_signals_resume_a_waiting_workflow(served):
    client = served.client
    run_id = client.start_workflow("approval", id="approval-1")
    served.wait_until("the workflow waits", lambda: client.get(run_id).status == "waiting")
    client.send_signal(run_id, "approve", {"n": 41})
    assert client.wait(run_id, timeout=WAIT).output == 42


def test_inspect_workers_and_queues(served):
    client = served.client
    run_id = client.start_workflow("approval", id="approval-inspect")
    served.wait_until("the workflow waits", lambda: client.get(run_id).status == "waiting")
    view = client.inspect(run_id)
    assert view["status"] == "waiting"
    assert view["location"]["line"] == 1
    assert view["frames"][0]["function"] == "<script>"
    assert view["waiting_on"][0]["kind"] == "signal"
    assert view["waiting_on"][0]["reason"] == "signal approve has not been sent yet"
    live = [w for w in client.workers() if w["live"]]
    assert len(live) == 1 and live[0]["sdk"].startswith("python 3.")
    assert "add" in live[0]["tasks"] and live[0]["workflows"] is True
    task_id = client.queue_task("nobody-serves-this", {})
    reason = client.inspect(task_id)["waiting_on"][0]["reason"]
    assert reason.endswith("no live worker serves task nobody-serves-this on default"), reason
    assert client.inspect(task_id)["status"] == "queued"
    assert [q["ready"] for q in client.queues() if q["queue"] == "default"] == [1]
    with pytest.raises(rhythm.RhythmError, match="no execution"):
        client.inspect("no-such-id")
    history = client.history(run_id)
    assert [h["type"] for h in history] == ["started", "step"]
    assert history[1]["data"]["waiting_on"][0]["name"] == "approve"
    client.send_signal(run_id, "approve", {"n": 1})
    client.wait(run_id, timeout=WAIT)
    assert [h["type"] for h in client.history(run_id)][2:] == ["signal_sent", "step", "completed"]


def test_retry_after_the_fix_and_pause_resume(served):
    client = served.client
    run_id = client.start_workflow("incident")
    failed = client.wait(run_id, timeout=WAIT)
    assert failed.status == "failed" and failed.error["cause"]["type"] == "RuntimeError"
    assert client.bulk("retry", workflow="incident", status="failed", dry_run=True)["matched"] == 1
    (served.tmp / "fixed").touch()  # the fix is deployed
    client.retry(run_id, reason="fixed fixable")
    run = client.wait(run_id, timeout=WAIT)
    assert (run.status, run.output) == ("completed", [2, {"n": 2, "fixed": True}])
    with pytest.raises(rhythm.RhythmError, match="only a failed execution can be retried"):
        client.retry(run_id)

    waiting = client.start_workflow("approval")
    served.wait_until("the workflow waits", lambda: client.get(waiting).status == "waiting")
    assert client.pause(waiting, by="ops@test") == 1
    assert client.inspect(waiting)["status"] == "paused"
    client.send_signal(waiting, "approve", {"n": 1})
    time.sleep(0.5)
    assert client.get(waiting).status == "waiting"
    assert client.resume(waiting) == 1
    assert client.wait(waiting, timeout=WAIT).output == 2

    client.pause_queue("slow", reason="maintenance")
    assert [q["paused"]["reason"] for q in client.queues() if q["queue"] == "slow"] == ["maintenance"]
    client.resume_queue("slow")
    with pytest.raises(rhythm.RhythmError, match="not paused"):
        client.resume_queue("slow")


def test_cancelling_a_workflow_runs_its_cleanup(served):
    client = served.client
    run_id = client.start_workflow("cancellable")
    served.wait_until("the workflow waits", lambda: client.get(run_id).status == "waiting")
    assert client.cancel(run_id) is True
    run = client.wait(run_id, timeout=WAIT)
    assert run.status == "cancelled"
    assert [(r.event, r.key) for r in served.runs()] == [("start", "cleanup"), ("done", "cleanup")]
    assert client.cancel(run_id) is False


def test_idempotent_starts_return_the_first_execution(served):
    client = served.client
    first = client.start_workflow("both", {"x": 10}, idempotency_key="order-7")
    again = client.start_workflow("both", {"x": 99}, idempotency_key="order-7")
    assert again == first
    task = client.queue_task("add", {"a": 1, "b": 1}, idempotency_key="add-1")
    assert client.queue_task("add", {"a": 5, "b": 5}, idempotency_key="add-1") == task
    assert client.wait(first, timeout=WAIT).output == [11, 12]
    assert client.wait(task, timeout=WAIT).output == 2
    assert len(client.list(name="both")) == 1


def test_a_worker_killed_mid_task_is_replaced_by_another_process(env):
    client = env.client
    first = env.worker("--lease", "1s")
    run_id = client.start_workflow("recorded", {"key": "k", "seconds": 3})
    env.wait_until("the first worker runs the task", lambda: any(r.event == "start" for r in env.runs()))
    second = env.worker("--lease", "1s")
    first.send_signal(signal.SIGKILL)
    assert first.wait(timeout=WAIT) == -signal.SIGKILL
    run = client.wait(run_id, timeout=WAIT)
    assert (run.status, run.output) == ("completed", "k")
    runs = env.runs()
    started = [(r.attempt, r.pid) for r in runs if r.event == "start"]
    done = [(r.attempt, r.pid) for r in runs if r.event == "done"]
    # A lost worker is a takeover, not a failure of the task: the same attempt runs again.
    assert started == [(1, first.pid), (1, second.pid)]
    assert done == [(1, second.pid)]


def test_sigterm_finishes_attempts_in_flight_and_loses_none(env):
    client = env.client
    keys = [f"t{n}" for n in range(12)]
    ids = [client.queue_task("record", {"key": key, "seconds": 0.5}) for key in keys]
    first = env.worker("--concurrency", "3")
    env.wait_until("three attempts run", lambda: sum(r.event == "start" for r in env.runs()) >= 3)
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=WAIT) == 0
    assert "released': 0" in env.stderr()  # every attempt in flight finished, none handed back
    by_first = {r.key for r in env.runs() if r.event == "start"}
    assert by_first and {r.key for r in env.runs() if r.event == "done"} == by_first
    assert len(by_first) < len(keys)  # it stopped claiming: the rest is left for others
    env.worker("--concurrency", "3")
    for execution_id in ids:
        assert client.wait(execution_id, timeout=WAIT).status == "completed"
    runs = env.runs()
    for event in ("start", "done"):
        assert sorted(r.key for r in runs if r.event == event) == sorted(keys)  # each exactly once
    assert {r.attempt for r in runs} == {1}
