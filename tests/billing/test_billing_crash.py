"""A billing run killed with SIGKILL at random points and rerun issues exactly the invoices of an
uninterrupted run: same numbers, payers, lines and totals; nothing twice, nothing skipped. Then
``tstore ledger verify`` passes on the crashed database, and fails once a row is tampered with."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import db as test_db
from tests.support.services import unavailable

ROOT = Path(__file__).resolve().parents[2]
CHARGES, PAYERS = 1500, 250


def environment(url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TS_")}
    env.update(
        TS_ENV="test",
        TS_DATABASE_URL=url,
        TS_DATA_DIR=str(data_dir),
        TS_SECRET_KEY="crash-test-secret",
        TS_BILLING_BATCH_SIZE="10",
        TS_LOG_LEVEL="warning",
    )
    return env


def call(args: list[str], env: dict[str, str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if check and done.returncode != 0:
        raise AssertionError(done.stderr[-3000:])
    return done


def worker(mode: str, env: dict[str, str]) -> str:
    return call(["-m", "tests.billing.billing_worker", mode, str(CHARGES), str(PAYERS)], env).stdout


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[tuple[str, str]]:
    if test_db.test_database_kind() == "postgres":
        try:
            urls = (test_db.create_pg_database(), test_db.create_pg_database())
        except Exception as exc:
            unavailable("postgres", repr(exc))
        yield urls
        for url in urls:
            test_db.drop_pg_database(url)
        return
    yield (f"sqlite:///{tmp_path / 'reference.sqlite3'}", f"sqlite:///{tmp_path / 'crashed.sqlite3'}")


@pytest.mark.slow
def test_killed_billing_runs_end_with_the_invoices_of_an_uninterrupted_run(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    reference_env = environment(databases[0], tmp_path / "ref")
    crashed_env = environment(databases[1], tmp_path / "crash")
    for env in (reference_env, crashed_env):
        call(["-m", "store", "migrate"], env)
        worker("seed", env)

    started = time.monotonic()
    worker("run", reference_env)
    duration = time.monotonic() - started
    expected = json.loads(worker("dump", reference_env))
    assert len(expected) > PAYERS // 2

    rnd = random.Random(int(os.environ.get("TSTEST_CRASH_SEED", "20261102")))
    kills = 0
    for _ in range(5):
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.billing.billing_worker", "run"],
            cwd=ROOT,
            env=crashed_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rnd.uniform(0.2, duration))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
    assert kills >= 1
    worker("run", crashed_env)
    worker("run", crashed_env)  # a rerun after completion changes nothing
    assert json.loads(worker("dump", crashed_env)) == expected

    verified = call(["-m", "store", "ledger", "verify"], crashed_env, check=False)
    assert verified.returncode == 0, verified.stdout[-3000:]
    tamper(databases[1])
    tampered = call(["-m", "store", "ledger", "verify"], crashed_env, check=False)
    assert tampered.returncode == 1
    assert "ÉCHEC" in tampered.stdout


def tamper(url: str) -> None:
    """Change one posted amount behind the service's back (the owner can bypass triggers)."""
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("DROP TRIGGER ledger_transfer_no_update")
        connection.execute(
            "UPDATE ledger_transfer SET amount = amount + 1 WHERE journal_seq = 10 AND leg = 0"
        )
        connection.close()
        return
    import asyncio

    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(url)
        await connection.execute("ALTER TABLE ledger_transfer DISABLE TRIGGER ledger_transfer_append_only")
        await connection.execute(
            "UPDATE ledger_transfer SET amount = amount + 1 WHERE journal_seq = 10 AND leg = 0"
        )
        await connection.close()

    asyncio.run(run())
