"""``rhythm.Client`` against real Postgres (``DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/postgres``); each test gets a fresh database (the
``database_url`` fixture of conftest.py). Skipped when the server is unreachable. Worker
processes: test_worker_postgres.py."""

from __future__ import annotations

import asyncio
import json

import pytest

import rhythm


@pytest.fixture
def client(database_url):
    c = rhythm.Client(database_url)
    c.migrate()
    return c


def test_url_from_environment(database_url, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("RHYTHM_DATABASE_URL", database_url)
    rhythm.Client().migrate()
    monkeypatch.delenv("RHYTHM_DATABASE_URL")
    with pytest.raises(rhythm.RhythmError, match="no database"):
        rhythm.Client()


def test_queue_task_get_list_cancel(client):
    task_id = client.queue_task("process-payment", {"amount": 42}, idempotency_key="order-1")
    again = client.queue_task("process-payment", {"amount": 42}, idempotency_key="order-1")
    assert again == task_id
    execution = client.get(task_id)
    assert (execution.kind, execution.name, execution.status, execution.inputs) == (
        "task", "process-payment", "running", {"amount": 42})
    assert [row["id"] for row in client.list(name="process-payment")] == [task_id]
    assert client.cancel(task_id) is True
    assert client.get(task_id).status == "cancelled"
    assert client.cancel(task_id) is False
    assert client.wait(task_id, timeout=1).status == "cancelled"


def test_wait_times_out(client):
    task_id = client.queue_task("never-served", delay="1h")
    with pytest.raises(TimeoutError):
        client.wait(task_id, timeout=0.2)


def test_start_workflow_and_signal(client):
    client.register_workflow("greet", 'let who = await Signal.when("name"); return "hi " + who')
    run_id = client.start_workflow("greet", {}, id="greet-1")
    assert run_id == "greet-1"
    assert client.get(run_id).kind == "workflow"
    assert client.send_signal(run_id, "name", "ada") >= 1


def test_errors_are_clear(client):
    with pytest.raises(rhythm.RhythmError):
        client.start_workflow("no-such-workflow")
    with pytest.raises(rhythm.RhythmError):
        client.get("no-such-execution")
    with pytest.raises(TypeError, match="not JSON-serializable"):
        client.queue_task("t", {"x": object()})


def test_async_client(database_url):
    async def main():
        c = rhythm.AsyncClient(database_url)
        await c.migrate()
        task_id = await c.queue_task("t", {"n": 1})
        execution = await c.get(task_id)
        return execution.status

    assert asyncio.run(main()) == "running"


@pytest.fixture
def worker_thread(database_url, tmp_path):
    import threading

    from sample_tasks import orders

    flows = tmp_path / "workflows"
    flows.mkdir()
    (flows / "careful.flow").write_text(
        'try { return await Task.run("process-payment", { amount: Inputs.total, userId: "u" }) }\n'
        'catch (err) { return { declined: err.cause.type } }\n'
    )
    rhythm.Client(database_url).migrate()
    worker = rhythm.Worker(flows, [orders], database_url=database_url, manifest=tmp_path / "tasks.json")
    assert worker.register_workflows() == ["careful"]  # run() does it too; here before the start
    box = {}
    thread = threading.Thread(target=lambda: box.update(stats=worker.run()))
    thread.start()
    yield worker
    worker.stop()
    thread.join(timeout=30)
    assert not thread.is_alive()


def test_worker_runs_sync_and_async_tasks(client, worker_thread):
    paid = client.queue_task("process-payment", {"amount": 5, "userId": "u1"})
    cancelled = client.queue_task("cancel-order", {"orderId": "o9"})
    assert client.wait(paid, timeout=30).output == {"id": "pay_u1_5", "currency": "EUR"}
    assert client.wait(cancelled, timeout=30).output == "cancelled o9"
    manifest = json.loads(worker_thread._manifest.read_text())
    assert [t["name"] for t in manifest["tasks"]] == ["cancel-order", "process-payment"]


def test_task_exception_fails_the_task(client, worker_thread):
    declined = client.queue_task("process-payment", {"amount": 5000, "userId": "u1"}, max_attempts=1)
    execution = client.wait(declined, timeout=30)
    assert execution.status == "failed"
    assert execution.error["type"] == "PaymentDeclined"
    assert set(execution.error) == {"type", "message", "traceback"}
    assert "Traceback" in execution.error["traceback"]


def test_task_exception_caught_in_a_workflow(client, worker_thread):
    run_id = client.start_workflow("careful", {"total": 5000})
    assert client.wait(run_id, timeout=60).output == {"declined": "PaymentDeclined"}


def test_list_filters_and_pages(client):
    from datetime import datetime, timedelta, timezone

    a = client.queue_task("charge", {"userId": "u1", "n": 1}, idempotency_key="k-a")
    b = client.queue_task("charge", {"userId": "u2", "n": 2})
    c = client.queue_task("email", {"userId": "u1"})
    assert client.cancel(b) is True
    rows = lambda **kw: [r["id"] for r in client.list(**kw)]  # noqa: E731
    assert rows() == [c, b, a]
    assert rows(name="charge") == [b, a]
    assert rows(kind="task", status="running") == [c, a]
    assert rows(status=["cancelled", "failed"]) == [b]
    assert rows(status="cancelled,running", name="charge") == [b, a]
    assert rows(where='userId = "u1"') == [c, a]
    assert rows(where='userId = "u1" and n = 1') == [a]
    assert rows(inputs={"userId": "u2"}) == [b]
    assert rows(idempotency_key="k-a") == [a]
    assert rows(since="1h") == [c, b, a]
    assert rows(since=3600.0, name="email") == [c]
    assert rows(created_before="1h") == []
    an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    assert rows(created_after=an_hour_ago, created_before=datetime.now(timezone.utc)) == [c, b, a]
    assert rows(ended_after="1h") == [b]
    assert rows(parent_id="nobody") == []
    assert rows(version="abc") == []

    first = client.list_page(limit=2)
    assert [r["id"] for r in first["executions"]] == [c, b]
    second = client.list_page(limit=2, after=first["next"])
    assert ([r["id"] for r in second["executions"]], second["next"]) == ([a], None)
    assert rows(limit=2, after=first["next"]) == [a]


def test_list_refuses_bad_filters(client):
    from datetime import datetime

    cases = [
        ({"status": "bogus"}, "unknown status"),
        ({"kind": "job"}, "unknown kind"),
        ({"since": "2 hours"}, "invalid since"),
        ({"ended_before": "2026-13-01T00:00:00Z"}, "invalid ended_before"),
        ({"created_after": datetime(2026, 1, 1)}, "timezone-aware"),
        ({"where": "userId = u1"}, "at character 10"),
        ({"where": "a = 1", "inputs": {"a": 1}}, "not both"),
        ({"inputs": [1]}, "must be a dict"),
        ({"after": "nope"}, "invalid cursor"),
        ({"since": "1h", "created_after": "2h"}, "not both"),
        ({"version": "XYZ"}, "not a content hash"),
    ]
    for kwargs, message in cases:
        with pytest.raises((ValueError, rhythm.RhythmError), match=message):
            client.list(**kwargs)
