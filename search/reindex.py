"""Zero-downtime full reindex: build a staging index, fill it, swap it with the live one, drop the
old one. Searches keep hitting the live index until the swap."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from search.backend import SearchBackend
from search.settings import IndexSettings

STAGING_SUFFIX = "__next"


async def full_reindex(
    backend: SearchBackend,
    settings: IndexSettings,
    batches: AsyncIterator[list[Mapping[str, Any]]],
    *,
    progress: Callable[[int], None] | None = None,
    timeout_s: float = 600.0,
) -> int:
    staging = settings.renamed(settings.uid + STAGING_SUFFIX)
    await backend.drop(staging.uid)
    await backend.ensure_index(staging)
    total = 0
    tasks = []
    async for batch in batches:
        if not batch:
            continue
        tasks.append(await backend.upsert(staging.uid, batch))
        total += len(batch)
        if progress is not None:
            progress(len(batch))
    for task in tasks:
        await backend.wait(task, timeout_s=timeout_s)
    await backend.ensure_index(settings)
    await backend.swap(settings.uid, staging.uid)
    await backend.drop(staging.uid)
    return total
