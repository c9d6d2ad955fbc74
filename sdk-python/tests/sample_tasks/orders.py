"""Order tasks: one sync, one async, one that raises."""

from __future__ import annotations

import asyncio

import rhythm


class PaymentDeclined(Exception):
    """The card was declined."""


@rhythm.task(name="process-payment", retries=3, timeout="30s")
def process_payment(amount: float, userId: str, currency: str = "EUR") -> dict:
    """Charge the user's card."""
    if amount > 1000:
        raise PaymentDeclined(f"amount {amount} over the limit")
    return {"id": f"pay_{userId}_{int(amount)}", "currency": currency}


@rhythm.task
async def cancel_order(orderId: str) -> str:
    """Cancel the order and tell the customer."""
    await asyncio.sleep(0)
    return f"cancelled {orderId}"


def not_a_task() -> None:
    """Left out of the manifest."""
