"""``python -m rhythm``: ``manifest`` (the task manifest); any other command goes to the
``rhythm`` CLI."""

from __future__ import annotations

import argparse
import sys

from . import _cli
from .manifest import manifest_json


def _manifest(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m rhythm manifest", description="Print the task manifest (JSON).")
    parser.add_argument("--tasks", action="append", required=True, help="a module of @rhythm.task functions (repeatable)")
    parser.add_argument("--output", "-o", help="write to this file instead of stdout")
    args = parser.parse_args(argv)
    sys.path.insert(0, "")
    text = manifest_json(args.tasks)
    if args.output:
        from pathlib import Path

        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _worker(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m rhythm worker", description="Serve tasks and workflows.")
    parser.add_argument("--workflows", default="./workflows", help="folder of .flow files")
    parser.add_argument("--tasks", action="append", default=[], help="a module of @rhythm.task functions (repeatable)")
    parser.add_argument("--queue", action="append", dest="queues", help="queue to serve (repeatable; default: default)")
    parser.add_argument("--concurrency", type=int, help="attempts run at once (default 128)")
    parser.add_argument("--database-url")
    parser.add_argument("--lease", help="attempt lease, renewed by heartbeats (default 30s)")
    parser.add_argument("--shutdown-grace", help="how long attempts in flight may finish on SIGTERM (default 30s)")
    parser.add_argument("--poll-interval", help="claim without a notification this often (default 500ms)")
    parser.add_argument("--batch-size", type=int, help="attempts claimed per query at most (default 128)")
    args = parser.parse_args(argv)
    sys.path.insert(0, "")
    from .worker import Worker

    worker = Worker(args.workflows, args.tasks, args.queues, args.concurrency, database_url=args.database_url,
                    lease=args.lease, shutdown_grace=args.shutdown_grace, poll_interval=args.poll_interval,
                    batch_size=args.batch_size)
    print(f"rhythm worker: {len(worker.tasks)} tasks on {', '.join(worker.queues)}", file=sys.stderr)
    stats = worker.run()
    print(f"rhythm worker stopped: {stats}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m rhythm``."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "manifest":
        return _manifest(args[1:])
    if args and args[0] == "worker":
        return _worker(args[1:])
    return _cli.main(args)


if __name__ == "__main__":
    sys.exit(main())
