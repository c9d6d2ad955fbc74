"""``@rhythm.task``: definitions, invocation, failures."""

from __future__ import annotations

import json

import pytest

import rhythm
from rhythm.task import collect_tasks, definition_of, invoke
from sample_tasks import orders


def test_decorator_with_and_without_options():
    payment = definition_of(orders.process_payment)
    assert payment is not None
    assert (payment.name, payment.retries, payment.timeout, payment.timeout_ms, payment.queue) == (
        "process-payment", 3, "30s", 30000.0, "default")
    cancel = definition_of(orders.cancel_order)
    assert cancel.name == "cancel-order" and cancel.is_async and cancel.retries is None
    # The function stays callable as before.
    assert orders.process_payment(10, "u1") == {"id": "pay_u1_10", "currency": "EUR"}


def test_bad_timeout_and_retries_are_refused():
    with pytest.raises(ValueError, match="invalid duration"):
        rhythm.task(timeout="soon")(lambda: None)
    with pytest.raises(ValueError, match="retries"):
        rhythm.task(retries=-1)(lambda: None)
    with pytest.raises(ValueError, match="retries"):
        rhythm.task(retries="3")(lambda: None)
    with pytest.raises(ValueError, match="factor"):
        rhythm.task(retries=rhythm.Retry(factor=0.5))(lambda: None)
    with pytest.raises(ValueError, match="not a duration"):
        rhythm.task(retries=rhythm.Retry(initial="soon"))(lambda: None)
    with pytest.raises(ValueError, match="queue"):
        rhythm.task(queue="")(lambda: None)


def test_defaults_are_what_a_call_that_leaves_options_out_gets():
    assert definition_of(orders.process_payment).defaults() == {
        "queue": "default", "retries": 3, "timeout": "30s"}

    @rhythm.task(retries=rhythm.Retry(max=5, initial=0.5, max_delay="1m"), queue="slow")
    def policy() -> None: ...

    assert definition_of(policy).defaults() == {
        "queue": "slow",
        "retries": {"max": 5, "initial": 0.5, "factor": 2.0, "maxDelay": "1m"},
        "timeout": None,
    }


def test_invoke_sync_async_and_failure():
    ok, text = invoke(definition_of(orders.process_payment), json.dumps({"amount": 5, "userId": "u"}))
    assert ok and json.loads(text) == {"id": "pay_u_5", "currency": "EUR"}
    ok, text = invoke(definition_of(orders.cancel_order), json.dumps({"orderId": "o1"}))
    assert ok and json.loads(text) == "cancelled o1"
    ok, text = invoke(definition_of(orders.process_payment), json.dumps({"amount": 5000, "userId": "u"}))
    error = json.loads(text)
    assert not ok
    assert error["type"] == "PaymentDeclined"
    assert error["message"] == "amount 5000 over the limit"
    assert "Traceback" in error["traceback"] and "process_payment" in error["traceback"]


def test_output_must_be_json():
    @rhythm.task
    def gives_a_set():
        return {1, 2}

    ok, text = invoke(definition_of(gives_a_set), "{}")
    error = json.loads(text)
    assert not ok and error["type"] == "TaskOutputError"
    assert "gives-a-set" in error["message"] and "not JSON-serializable" in error["message"]


def test_inputs_must_be_an_object_and_match_the_signature():
    ok, text = invoke(definition_of(orders.cancel_order), "[1]")
    assert not ok and json.loads(text)["type"] == "TypeError"
    ok, text = invoke(definition_of(orders.cancel_order), '{"wrong": 1}')
    assert not ok and "wrong" in json.loads(text)["message"]


def test_collect_from_module_name_and_duplicates():
    names = [d.name for d in collect_tasks(["sample_tasks.orders"])]
    assert names == ["cancel-order", "process-payment"]

    @rhythm.task(name="process-payment")
    def other(): ...

    with pytest.raises(ValueError, match="two tasks are named 'process-payment'"):
        collect_tasks([orders, other])
    with pytest.raises(TypeError, match="not a @rhythm.task"):
        collect_tasks([orders.not_a_task])
