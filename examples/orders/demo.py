"""The order workflow end to end on Postgres: a worker process with real Python tasks, a client
that starts an order, approves it with a signal, and prints the result.

Run from this folder with the `rhythm` package installed and Postgres reachable through
RHYTHM_DATABASE_URL or DATABASE_URL (scripts/demo at the repository root does all of it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import rhythm

HERE = Path(__file__).resolve().parent


def start_worker() -> subprocess.Popen:
    """A separate worker process, as it would run in production."""
    return subprocess.Popen(
        [sys.executable, "-m", "rhythm", "worker", "--workflows", "workflows", "--tasks", "tasks"],
        cwd=HERE,
        env={**os.environ, "PYTHONPATH": str(HERE)},
    )


def wait_until_waiting(client: rhythm.Client, execution_id: str, timeout: float = 30) -> None:
    """Polls until the workflow has paid and waits for its approval signal."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get(execution_id).status == "waiting":
            return
        time.sleep(0.05)
    raise TimeoutError(f"{execution_id} never reached the approval wait")


def main() -> int:
    client = rhythm.Client()
    client.migrate()
    source = (HERE / "workflows" / "process_order.flow").read_text()
    version = client.register_workflow("process_order", source)
    print(f"registered process_order version {version[:12]}")

    worker = start_worker()
    try:
        order_id = f"order-{uuid.uuid4().hex[:8]}"
        execution_id = client.start_workflow(
            "process_order", {"total": 42, "userId": "ada", "orderId": order_id}
        )
        print(f"started {execution_id} for {order_id}")
        wait_until_waiting(client, execution_id)
        print("payment done; the workflow is waiting for manager-approval")
        client.send_signal(execution_id, "manager-approval", {"approved": True})
        print("sent manager-approval")
        execution = client.wait(execution_id, timeout="60s")
        print(f"{execution.status}: {execution.output}")
        return 0 if execution.status == "completed" else 1
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            code = worker.wait(timeout=30)
            print(f"worker stopped (exit {code})")
        except subprocess.TimeoutExpired:
            worker.kill()
            print("worker did not stop in 30s; killed")


if __name__ == "__main__":
    sys.exit(main())
