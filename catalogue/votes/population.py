"""Deduplicated population covered by sets of voters: the registry's definition, remembered.

The registry (``RegistryService.coverage``) is the one definition of the population a group of
collectivités covers: each commune counted once, an EPCI or an EPT expanded to its member communes,
a département or a région to the communes it exercises its competences on, a retired collectivité
covering nothing. This module only asks it.

Tallies ask about many sets at once (every proposal, every département and kind bucket, the whole
consultation), and each answer costs the registry a few queries over the 35 000 communes. The
answers for a set of SIRENs change only when the registry is re-imported (a yearly event), so they
are remembered per set for ``ttl_seconds``; a new support then costs only the few sets it changes,
and concurrent requests share the questions in flight. A committee decision records a fresh answer
(``fresh``), never a remembered one.

Cost (``bench/demo_seed.py``, whole registry): the demo's tallies ask about 130 sets, about 2.2 s
the first time after a start (SQLite and PostgreSQL alike), 5–12 ms afterwards. Most of an answer's
cost is the registry counting the communes of every département for ``Coverage.departements``,
which tallies do not use: a registry method answering per set without it would divide that by ~2.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Protocol

from store.registry.schemas import Coverage

TTL_SECONDS = 3600.0
"""How long an answer is reused: a re-imported registry shows in tallies after at most this long."""
MAX_SETS = 20_000
"""Answers remembered at most (least recently used first out)."""
PARALLEL = 4
"""Questions in flight at once (the SQLite pool has four connections)."""


class CoverageSource(Protocol):
    """What ``store.registry.service.RegistryService`` offers (the composition root passes it)."""

    async def coverage(self, sirens: Iterable[str]) -> Coverage: ...


class Populations:
    """Answers for the sets asked in one ``resolve`` call."""

    def __init__(self, answers: dict[frozenset[str], Coverage]) -> None:
        self._answers = answers

    def population(self, sirens: Iterable[str]) -> int:
        key = frozenset(sirens)
        return self._answers[key].population if key else 0

    def population_year(self, sirens: Iterable[str]) -> int | None:
        """The latest millésime summed (Mayotte's communes still date from 2017)."""
        key = frozenset(sirens)
        years = self._answers[key].population_years if key else ()
        return max(years) if years else None


class VoterPopulation:
    def __init__(
        self,
        registry: CoverageSource,
        *,
        ttl_seconds: float = TTL_SECONDS,
        max_sets: int = MAX_SETS,
        parallel: int = PARALLEL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.registry = registry
        self.ttl_seconds = ttl_seconds
        self.max_sets = max_sets
        self.parallel = parallel
        self.clock = clock
        self._answers: OrderedDict[frozenset[str], tuple[float, Coverage]] = OrderedDict()
        self._in_flight: dict[frozenset[str], asyncio.Future[Coverage]] = {}

    async def fresh(self, sirens: Iterable[str]) -> Coverage:
        """Ask the registry now (for what gets recorded, such as a committee decision)."""
        key = frozenset(sirens)
        coverage = await self.registry.coverage(sorted(key))
        self._remember(key, coverage)
        return coverage

    async def resolve(self, sets: Iterable[Iterable[str]]) -> Populations:
        """The deduplicated population of each set; only sets not remembered are asked."""
        wanted = sorted({frozenset(s) for s in sets} - {frozenset()}, key=sorted)
        gate = asyncio.Semaphore(self.parallel)
        answers = await asyncio.gather(*(self._answer(key, gate) for key in wanted))
        return Populations(dict(zip(wanted, answers, strict=True)))

    def _known(self, key: frozenset[str]) -> Coverage | None:
        known = self._answers.get(key)
        if known is None or self.clock() - known[0] >= self.ttl_seconds:
            return None
        self._answers.move_to_end(key)
        return known[1]

    async def _answer(self, key: frozenset[str], gate: asyncio.Semaphore) -> Coverage:
        known = self._known(key)
        if known is not None:
            return known
        pending = self._in_flight.get(key)
        if pending is not None:  # another request is asking the same question
            return await asyncio.shield(pending)
        future: asyncio.Future[Coverage] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            async with gate:
                coverage = await self.registry.coverage(sorted(key))
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" log when nobody else waited
            raise
        except BaseException:  # cancelled: the requests waiting on it are cancelled too
            future.cancel()
            raise
        finally:
            del self._in_flight[key]
        future.set_result(coverage)
        self._remember(key, coverage)
        return coverage

    def forget(self) -> None:
        """Drop every remembered answer (after a registry import in the same process)."""
        self._answers.clear()

    def _remember(self, key: frozenset[str], coverage: Coverage) -> None:
        self._answers[key] = (self.clock(), coverage)
        self._answers.move_to_end(key)
        while len(self._answers) > self.max_sets:
            self._answers.popitem(last=False)
