"""Unit tests of the order workflow on the fake clock: no database, no waiting."""

from __future__ import annotations

import pytest

from rhythm.testing import WorkflowEnvironment

import tasks

ORDER = {"total": 42, "userId": "u1", "orderId": "o1"}


@pytest.fixture
def env() -> WorkflowEnvironment:
    env = WorkflowEnvironment(workflows="workflows")
    env.register(tasks.process_payment, tasks.cancel_order)
    return env


def test_approval_within_48_hours_ships_the_order(env):
    run = env.start("process_order", ORDER)
    env.signal(run, "manager-approval", {"approved": True}, after="3h")
    env.run_until_done(run)
    assert run.status == "completed"
    assert run.output == {"status": "shipped", "paymentId": "pay_u1_42"}
    assert run.task_names == ["process-payment"]


def test_no_approval_cancels_the_order_after_48_hours(env):
    run = env.start("process_order", ORDER)
    env.run_until_done(run)
    assert run.output == {"status": "cancelled", "orderId": "o1"}
    assert run.task_names == ["process-payment", "cancel-order"]
    assert run.calls[1].at_ms == 48 * 3_600_000


def test_declined_payment_fails_the_workflow(env):
    run = env.run("process_order", {**ORDER, "total": 5000})
    run.expect("failed", error={"type": "TaskFailed", "task": "process-payment"})
    assert run.error["cause"]["type"] == "PaymentDeclined"
