"""Periodic clean-up of the tables that only grow: expired sessions, old login attempts, and outbox
events every consumer has handled.

Each task takes "now" and returns how many rows it removed. Several processes may run the loop at
once: every task is a plain DELETE with a time bound, so running it twice removes nothing more.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

log = logging.getLogger("store.housekeeping")

Task = Callable[[dt.datetime], Awaitable[int]]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Housekeeper:
    tasks: Mapping[str, Task]
    interval_seconds: float
    _loop: asyncio.Task[None] | None = None
    _busy: asyncio.Lock | None = None

    async def run_once(self, now: dt.datetime | None = None) -> dict[str, int]:
        """Run every task once; a failing task is logged and does not stop the others."""
        now = now or utcnow()
        removed: dict[str, int] = {}
        for name, task in self.tasks.items():
            try:
                removed[name] = await task(now)
            except Exception:
                log.exception("housekeeping task %s failed", name)
        if any(removed.values()):
            log.info("housekeeping removed rows", extra={"removed": removed})
        return removed

    async def start(self) -> None:
        self._loop = asyncio.create_task(self._run(), name="housekeeping")

    async def stop(self) -> None:
        if self._loop is not None:
            if self._busy is not None:
                async with self._busy:  # never cancel a pass mid-transaction: wait for it
                    self._loop.cancel()
            else:
                self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
            self._loop = None

    async def _run(self) -> None:
        self._busy = asyncio.Lock()
        while True:  # first pass after one interval: a start-up is busy enough
            await asyncio.sleep(self.interval_seconds)
            async with self._busy:
                await self.run_once()
