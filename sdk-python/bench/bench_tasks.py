"""No-op Python tasks per second with ONE worker process, beside the runtime bench's figures.

Run: ``sdk-python/.venv/bin/python sdk-python/bench/bench_tasks.py`` (from the repository root,
Postgres reachable through DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).

For sync and then ``async def`` no-op tasks it creates a fresh database, queues ``--tasks``
tasks in batches, starts one ``python -m rhythm worker`` process and measures:

- tasks/s: tasks over the span from the first to the last completion (``completed_at``);
- wall µs per task: the inverse;
- worker CPU µs per task: the worker process's user + system CPU time over the tasks (Postgres's
  own CPU not included), which is the Python path's cost on a machine with spare cores.

Then it runs the runtime bench (``cargo run --release -p rhythm-runtime --bin bench -- --only
tasks,pgbench``; without ``--only`` when that flag is unknown) for the Rust-handler figure and
the batched pgbench limit, and prints the Python rate as a ratio to that limit (target ≥ 0.35).
``--runtime-output FILE`` reads a saved runtime bench output instead of running it;
``--no-runtime`` skips it.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

import rhythm  # noqa: E402

SERVER = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
TARGET_RATIO = 0.35


def psql(url: str, sql: str) -> str:
    """Runs one statement, returns its unaligned output (retrying while the server restarts)."""
    for _ in range(60):
        done = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], capture_output=True, text=True)
        if done.returncode == 0:
            return done.stdout.strip()
        if "connection to server" not in done.stderr:
            break
        time.sleep(0.5)
    raise RuntimeError(f"psql failed: {done.stderr.strip()}")


def measure(kind: str, tasks: int, concurrency: int, batch: int) -> dict[str, float]:
    """One run: a fresh database, ``tasks`` queued no-op tasks, one worker process."""
    name = f"rhythm_pybench_{uuid.uuid4().hex[:10]}"
    psql(SERVER, f"create database {name}")
    url = f"{SERVER.rsplit('/', 1)[0]}/{name}"
    try:
        client = rhythm.Client(url)
        client.migrate()
        task = "noop" if kind == "sync" else "async-noop"
        for start in range(0, tasks, 1000):
            client.queue_tasks(task, [{"n": n} for n in range(start, min(tasks, start + 1000))])
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker = subprocess.Popen(
            [sys.executable, "-m", "rhythm", "worker", "--workflows", str(HERE / "no-workflows"),
             "--tasks", "bench_noop", "--concurrency", str(concurrency), "--batch-size", str(batch),
             "--database-url", url],
            cwd=HERE, env={**os.environ, "PYTHONPATH": str(HERE)}, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 300
        try:
            while True:
                done = int(psql(url, "select count(*) from rhythm_executions where status = 'completed'"))
                if done >= tasks:
                    break
                if worker.poll() is not None:
                    raise RuntimeError(f"the worker exited ({worker.returncode}) after {done} tasks")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"only {done} of {tasks} tasks done after 300 s")
                time.sleep(0.2)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        span = float(psql(url, "select extract(epoch from max(completed_at) - min(completed_at)) "
                               "from rhythm_executions"))
        failed = int(psql(url, "select count(*) from rhythm_executions where status <> 'completed'"))
        if failed:
            raise RuntimeError(f"{failed} tasks did not complete")
        # The worker's CPU includes its start (imports, connecting): a fixed cost, small
        # against the tasks'.
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        rate = (tasks - 1) / span if span > 0 else float("inf")
        return {"rate": rate, "wall_us": 1e6 / rate, "cpu_us": cpu * 1e6 / tasks, "span": span}
    finally:
        psql(SERVER, f"drop database if exists {name} with (force)")


def runtime_figures(args: argparse.Namespace) -> tuple[float | None, float | None, str]:
    """(Rust-handler tasks/s, pgbench limit jobs/s, the bench's output)."""
    if args.runtime_output:
        text = Path(args.runtime_output).read_text()
    else:
        base = ["cargo", "run", "--release", "-q", "-p", "rhythm-runtime", "--bin", "bench", "--"]
        done = subprocess.run([*base, "--only", "tasks,pgbench"], cwd=REPO, capture_output=True, text=True)
        if done.returncode != 0 and "only" in (done.stderr + done.stdout):
            done = subprocess.run(base, cwd=REPO, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"the runtime bench failed: {done.stderr.strip()[-2000:]}")
        text = done.stdout
    rust = re.search(r"no-op tasks \(Rust handlers\):\s+([\d.]+) tasks/s", text)
    limit = re.search(r"pgbench limit \([^)]*\):\s+([\d.]+) jobs/s", text)
    return (float(rust.group(1)) if rust else None, float(limit.group(1)) if limit else None, text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=20_000, help="tasks per run (default 20000)")
    parser.add_argument("--concurrency", type=int, default=128, help="worker concurrency (default 128, the worker's)")
    parser.add_argument("--batch-size", type=int, default=128, help="claim batch (default 128, the worker's)")
    parser.add_argument("--runtime-output", help="a saved output of the runtime bench to read instead of running it")
    parser.add_argument("--no-runtime", action="store_true", help="skip the runtime bench")
    parser.add_argument("--only", choices=["sync", "async"], help="measure one kind of task")
    args = parser.parse_args()

    print(f"python no-op tasks, one worker process (concurrency {args.concurrency}, claim batch "
          f"{args.batch_size}), {args.tasks} tasks per run")
    results = {}
    for kind in ["sync", "async"]:
        if args.only and args.only != kind:
            continue
        r = measure(kind, args.tasks, args.concurrency, args.batch_size)
        results[kind] = r
        print(f"  {kind:<5} tasks: {r['rate']:>9.0f} tasks/s, {r['wall_us']:7.1f} µs/task wall, "
              f"{r['cpu_us']:7.1f} µs/task worker CPU")
    if args.no_runtime:
        return 0
    rust, limit, text = runtime_figures(args)
    if rust is None or limit is None:
        print("runtime bench: figures not found in its output:\n" + text)
        return 1
    print(f"runtime bench: Rust handlers {rust:.0f} tasks/s ({1e6 / rust:.1f} µs/task wall), "
          f"pgbench limit {limit:.0f} jobs/s")
    for kind, r in results.items():
        ratio = r["rate"] / limit
        verdict = "meets" if ratio >= TARGET_RATIO else "below"
        print(f"  {kind:<5} python / pgbench limit: {ratio:.2f} ({verdict} the target ≥ {TARGET_RATIO}); "
              f"python / Rust handlers: {r['rate'] / rust:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
