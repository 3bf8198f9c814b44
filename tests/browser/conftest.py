"""Browser tests: the real app served by ``python -m store serve`` in a subprocess, on a free port and a
temporary SQLite database, driven by Playwright in Debian's headless Chromium.

- Chromium is ``/usr/bin/chromium`` (or ``TSTEST_CHROMIUM``); missing → ``unavailable("browser")``,
  which skips on a laptop and fails in CI. The test tool never downloads a browser.
- The server's database is migrated, gets the registry fixture and one account per role
  (prepare.py), and the demo catalogue when this tree has ``python -m store seed-demo``.
- Every test leaves a full-page screenshot in ``test-artifacts/browser/`` (gitignored), with the
  server's log beside it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.services import unavailable

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
START_TIMEOUT = 60.0


def chromium_path() -> str | None:
    if chosen := os.environ.get("TSTEST_CHROMIUM"):
        return chosen if os.access(chosen, os.X_OK) else None
    default = "/usr/bin/chromium"
    return default if os.access(default, os.X_OK) else shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli_commands(env: dict[str, str]) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-m", "store", "--help"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(re.findall(r"^\s{2}([a-z][a-z-]+)\s", out, flags=re.M))


@dataclass(frozen=True)
class LiveServer:
    url: str
    env: dict[str, str]
    log: Path
    dsfr: bool
    commands: frozenset[str]


def _server_env(tmp: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TS_")}
    env.update(
        {
            "TS_ENV": "test",
            "TS_DATABASE_URL": f"sqlite:///{tmp / 'browser.sqlite3'}",
            "TS_DATA_DIR": str(tmp / "data"),
            "TS_SECRET_KEY": "browser-tests-secret-key-not-for-production",
            "TS_HOST": "127.0.0.1",
            "TS_PORT": str(port),
            "TS_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "TS_ARGON2_TIME_COST": "1",
            "TS_ARGON2_MEMORY_KIB": "8",
            "TS_LOGIN_RATE_PER_MINUTE": "10000",
            "TS_LOG_LEVEL": "info",
            "TS_DSFR_DIR": str(ROOT / "node_modules/@gouvfr/dsfr/dist"),
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _run(args: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("a") as out:
        out.write(f"$ {' '.join(args)}\n")
        out.flush()
        done = subprocess.run(args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(args)} failed ({done.returncode}); see {log}", pytrace=False)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if chromium_path() is None:
        unavailable("browser", "Chromium introuvable (/usr/bin/chromium : apt-get install chromium)")
    tmp = tmp_path_factory.mktemp("browser-server")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / "server.log"
    log.write_text("")
    port = free_port()
    env = _server_env(tmp, port)
    commands = frozenset(cli_commands(env))
    _run([sys.executable, str(ROOT / "tests/browser/prepare.py")], env, log)
    if "seed-demo" in commands:
        _run([sys.executable, "-m", "store", "seed-demo"], env, log)
    with log.open("a") as out:
        process = subprocess.Popen(  # the real entry point, as `make run` starts it
            [sys.executable, "-m", "store", "serve"], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield LiveServer(
            url=url,
            env=env,
            log=log,
            dsfr=Path(env["TS_DSFR_DIR"]).is_dir(),
            commands=commands,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_until_up(url: str, process: subprocess.Popen[Any], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited ({process.returncode}); see {log}", pytrace=False)
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"the server did not answer within {START_TIMEOUT:.0f} s; see {log}", pytrace=False)


@pytest.fixture(scope="session")
async def browser(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    home = tmp_path_factory.mktemp("chromium-home")
    executable = chromium_path()
    assert executable is not None
    async with async_playwright() as playwright:
        try:
            instance = await playwright.chromium.launch(
                executable_path=executable,
                headless=True,
                args=CHROMIUM_FLAGS,
                env={**os.environ, "HOME": str(home)},
            )
        except Exception as exc:
            unavailable("browser", f"Chromium ne démarre pas : {exc}")
        try:
            yield instance
        finally:
            await instance.close()


@pytest.fixture
async def page(browser: Any, live_server: LiveServer, request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    """A fresh browser context (no cookies) per test; a screenshot of the last page is always kept."""
    context = await browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    tab = await context.new_page()
    try:
        yield tab
    finally:
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        with contextlib.suppress(Exception):
            await tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        await context.close()
