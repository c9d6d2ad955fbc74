"""``rhythm.testing.WorkflowEnvironment`` on the order workflow and small inline workflows."""

from __future__ import annotations

import pytest

import rhythm
from rhythm.testing import WorkflowEnvironment, WorkflowTestError
from sample_tasks import orders

ORDER = {"total": 42, "userId": "u1", "orderId": "o1"}


@pytest.fixture
def env(workflows_dir) -> WorkflowEnvironment:
    return WorkflowEnvironment(workflows_dir)


def test_approval_in_time_with_stubs(env):
    env.stub_task("process-payment", {"id": "pay_1"})
    run = env.start("process_order", ORDER)
    env.advance("1h")
    assert run.status == "running"  # waiting for the approval, its 48h timeout scheduled
    env.signal(run, "manager-approval", {"approved": True})
    env.run_until_done(run)
    assert run.status == "completed"
    assert run.output == {"status": "shipped", "paymentId": "pay_1"}
    assert run.task_names == ["process-payment"]
    assert run.calls[0].inputs == {"amount": 42, "userId": "u1"}
    assert env.elapsed_ms == 3_600_000
    assert "+1h  signal manager-approval" in run.timeline


def test_approval_timeout_cancels_the_order_with_real_tasks(env):
    env.register(orders.process_payment, orders.cancel_order)  # one sync, one async
    run = env.start("process_order", ORDER)
    env.run_until_idle()
    assert run.status == "completed"
    assert run.output == "cancelled o1"
    assert run.task_names == ["process-payment", "cancel-order"]
    assert run.calls[1].at_ms == 48 * 3_600_000


def test_signal_scheduled_after_a_delay(env):
    env.register(orders.process_payment, orders.cancel_order)
    run = env.start("process_order", ORDER)
    env.signal(run, "manager-approval", {"approved": True}, after="47h59m")
    env.run_until_idle()
    assert run.output == {"status": "shipped", "paymentId": "pay_u1_42", }


def test_run_until_idle_stops_where_the_run_completed(env):
    env.register(orders.process_payment, orders.cancel_order)
    run = env.start("process_order", ORDER)
    env.signal(run, "manager-approval", {"approved": True}, after="1h")
    env.run_until_idle()  # the approval's 48h timeout is a leftover once the run completed
    assert run.status == "completed"
    assert env.elapsed_ms == 3_600_000


def test_payment_failure_fails_the_order(env):
    env.register(orders.process_payment, orders.cancel_order)
    run = env.run("process_order", {**ORDER, "total": 5000})
    run.expect("failed", error={"type": "TaskFailed", "task": "process-payment"})
    assert run.error["cause"]["type"] == "PaymentDeclined"
    assert run.error["cause"]["message"] == "amount 5000 over the limit"


def test_task_exception_caught_in_workflow(env):
    env.add_workflow(
        "careful_order",
        """
        try {
          return await Task.run("process-payment", { amount: Inputs.total, userId: "u1" })
        } catch (err) {
          console.log("payment failed: " + err.cause.type)
          return { declined: err.cause.type, why: err.cause.message }
        }
        """,
    )
    env.register(orders.process_payment)
    run = env.run("careful_order", {"total": 5000})
    assert run.output == {"declined": "PaymentDeclined", "why": "amount 5000 over the limit"}
    assert run.logs == ["payment failed: PaymentDeclined"]


def test_stub_error_takes_and_successive_results(env):
    env.stub_task("process-payment", error={"type": "Declined", "message": "no funds"}, takes="5m")
    run = env.run("process_order", ORDER)
    run.expect("failed", error={"type": "TaskFailed"})
    assert run.error["cause"]["type"] == "Declined"
    assert run.error["cause"]["message"] == "no funds"
    assert env.elapsed_ms == 5 * 60_000

    env2 = WorkflowEnvironment(env_dir := env_dir_of(env))
    env2.add_workflow("twice", 'let a = await Task.run("t", {}); let b = await Task.run("t", {}); return [a, b]')
    env2.stub_task("t", results=[{"output": 1}, {"output": 2, "takes": "1s"}])
    assert env2.run("twice").output == [1, 2]
    assert env2.elapsed_ms == 1000
    assert env_dir


def env_dir_of(env: WorkflowEnvironment) -> str:
    from conftest import REPO

    return str(REPO / "examples" / "workflows")


def test_stub_fn_sees_inputs_and_attempt(env):
    seen = []

    def payment(inputs, attempt):
        seen.append((inputs["amount"], attempt))
        return {"id": f"pay_{inputs['amount']}"}

    env.stub_task("process-payment", fn=payment)
    run = env.start("process_order", ORDER)
    env.signal(run, "manager-approval", None, after="1h")
    env.run_until_idle()
    assert run.output == {"status": "shipped", "paymentId": "pay_42"}
    assert seen == [(42, 1)]


def test_async_stub_fn_and_fn_exception(env):
    async def fails(inputs, attempt):
        raise LookupError("no such order")

    env.add_workflow("one", 'return await Task.run("lookup", {})')
    env.stub_task("lookup", fn=fails)
    run = env.run("one")
    assert run.status == "failed"
    assert run.error["cause"]["type"] == "LookupError"


def test_cancel():
    env = WorkflowEnvironment([])
    env.add_workflow("waits", 'await Signal.when("go"); return 1')
    run = env.start("waits")
    env.advance("1h")
    assert run.status == "waiting"
    env.cancel(run)
    env.run_until_idle()
    assert run.status == "cancelled"


def test_stub_workflow():
    env = WorkflowEnvironment([])
    env.add_workflow("parent", 'return await Workflow.run("child", { n: 1 })')
    env.stub_workflow("child", {"ok": True})
    assert env.run("parent").output == {"ok": True}


def test_unstubbed_task_is_a_clear_error(env):
    with pytest.raises(WorkflowTestError, match='task "process-payment" was called with no stub'):
        env.run("process_order", ORDER)


def test_failure_message_prints_the_timeline(env):
    env.stub_task("process-payment", {"id": "pay_1"})
    env.stub_task("cancel-order", "x")
    run = env.run("process_order", ORDER)  # nobody approves: the 48h timeout cancels the order
    with pytest.raises(AssertionError) as failure:
        run.expect("completed", output={"status": "shipped", "paymentId": "pay_1"})
    message = str(failure.value)
    assert "timeline:" in message
    assert "task process-payment #1 completed" in message
    assert "timeline:" in repr(run)


def test_bad_arguments(env, tmp_path):
    with pytest.raises(ValueError, match="invalid duration"):
        env.advance("soon")
    with pytest.raises(TypeError, match="not JSON-serializable"):
        env.start("process_order", {"when": object()})
    with pytest.raises(TypeError, match="not a @rhythm.task"):
        env.register(lambda: None)
    with pytest.raises(ValueError, match="one of"):
        env.stub_task("x", 1, error={"type": "E"})
    with pytest.raises(ValueError, match="cannot load workflows"):
        WorkflowEnvironment(tmp_path / "missing")


def test_register_uses_the_task_name():
    @rhythm.task(name="double")
    async def twice(n: int) -> int:
        return n * 2

    env = WorkflowEnvironment([])
    env.add_workflow("calc", 'return await Task.run("double", { n: Inputs.n })')
    env.register(twice, takes="2s")
    run = env.run("calc", {"n": 21})
    assert run.output == 42
    assert env.elapsed_ms == 2000


def test_the_decorator_s_retries_and_timeout_apply_to_calls_that_leave_them_out():
    attempts: list[int] = []

    @rhythm.task(name="flaky", retries=rhythm.Retry(max=2, initial="10s", factor=3), timeout="1m")
    def flaky() -> str:
        attempts.append(len(attempts) + 1)
        if len(attempts) < 3:
            raise ConnectionError("try again")
        return "ok"

    env = WorkflowEnvironment([])
    env.add_workflow("default", 'return await Task.run("flaky", {})')
    env.add_workflow("own", 'return await Task.run("flaky", {}, { retries: 0 })')
    env.register(flaky)
    run = env.run("default")
    assert run.output == "ok"
    assert [c.attempt for c in run.calls] == [1, 2, 3]
    # Backoff 10 s then 30 s, each shortened by at most 20 % of seeded jitter.
    assert 32_000 <= env.elapsed_ms <= 40_000

    attempts.clear()
    run = env.run("own")  # the call's own options win
    assert run.status == "failed"
    assert run.error["type"] == "TaskFailed" and run.error["attempts"] == 1

    @rhythm.task(name="slow", timeout="1s")
    def slow() -> str:
        return "late"

    env.add_workflow("slow", 'return await Task.run("slow", {})')
    env.register(slow, takes="2s")
    run = env.run("slow")
    assert run.status == "failed"
    assert run.error["cause"]["type"] == "Timeout"
