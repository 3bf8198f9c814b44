"""Day-by-day proration of yearly prices into monthly charges, in integer cents.

Rounding rule (explicit, property-tested): a yearly price is spread over the twelve months by
*cumulative floor* — month ``m`` costs ``⌊Y·m/12⌋ − ⌊Y·(m−1)/12⌋`` — so twelve full months add up to
exactly ``Y``. Inside a month of ``D`` days costing ``M``, the days ``[a, b)`` (0-based offsets from
the first of the month) cost ``⌊M·b/D⌋ − ⌊M·a/D⌋``: the pieces of a month cut anywhere add up to
exactly ``M``, and each piece is within one cent of its exact value. Segments are half-open: the
day of activation is billed, the day of termination (or of a plan change, for the old plan) is not.
"""

from __future__ import annotations

import calendar
import datetime as dt


def month_bounds(period: str) -> tuple[dt.date, dt.date]:
    """``"2026-03"`` → (2026-03-01, 2026-04-01): the month as a half-open range of days."""
    year, month = (int(part) for part in period.split("-"))
    start = dt.date(year, month, 1)
    end = dt.date(year + (month == 12), month % 12 + 1, 1)
    return start, end


def monthly_cents(yearly_cents: int, month: int) -> int:
    if yearly_cents < 0 or not 1 <= month <= 12:
        raise ValueError("a yearly price is never negative; months run from 1 to 12")
    return yearly_cents * month // 12 - yearly_cents * (month - 1) // 12


def prorated_cents(
    yearly_cents: int, period: str, starts_on: dt.date, ends_on: dt.date | None
) -> tuple[int, int]:
    """(amount, days) charged in ``period`` for a segment ``[starts_on, ends_on)`` at a yearly price."""
    start, end = month_bounds(period)
    first = max(start, starts_on)
    last = min(end, ends_on) if ends_on is not None else end
    if last <= first:
        return 0, 0
    days = calendar.monthrange(start.year, start.month)[1]
    full = monthly_cents(yearly_cents, start.month)
    a, b = (first - start).days, (last - start).days
    return full * b // days - full * a // days, b - a
