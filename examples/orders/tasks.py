"""The order example's tasks: plain Python functions that Rhythm workers run."""

from __future__ import annotations

import asyncio

import rhythm


class PaymentDeclined(Exception):
    """The card was declined."""


@rhythm.task(name="process-payment", timeout="30s")
def process_payment(amount: float, userId: str) -> dict:
    """Charge the user's card and return the payment id."""
    if amount > 1000:
        raise PaymentDeclined(f"amount {amount} is over the limit")
    return {"id": f"pay_{userId}_{int(amount)}"}


@rhythm.task(name="cancel-order")
async def cancel_order(orderId: str) -> dict:
    """Cancel the order (an async task: it runs on an event loop)."""
    await asyncio.sleep(0)
    return {"status": "cancelled", "orderId": orderId}
