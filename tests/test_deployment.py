"""The Docker image and the compose stack cannot be run here (no Docker engine): check what can be
checked without one, so that they do not rot silently."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from store.kit.settings import PREFIX, Settings

ROOT = Path(__file__).resolve().parents[1]
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|_KEY$|MASTER_KEY", re.I)
REFERENCE = re.compile(r"^\$\{[A-Z0-9_]+(:?[?-][^}]*)?\}$")


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text()
    joined = re.sub(r"\\\n", " ", text)
    lines = [
        line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def stages() -> list[list[tuple[str, str]]]:
    result: list[list[tuple[str, str]]] = []
    for instruction, argument in dockerfile_instructions():
        if instruction == "FROM":
            result.append([])
        result[-1].append((instruction, argument))
    return result


def test_the_dockerfile_is_multi_stage_and_installs_from_the_locks() -> None:
    all_stages = stages()
    assert len(all_stages) >= 2
    assert all(" AS " in stage[0][1].upper() for stage in all_stages)
    runs = " ".join(arg for stage in all_stages for ins, arg in stage if ins == "RUN")
    assert "uv sync --frozen --no-dev" in runs
    assert "npm ci" in runs
    assert "playwright install" not in runs


def test_the_image_runs_the_app_as_a_non_root_user_through_the_cli() -> None:
    final = stages()[-1]
    users = [arg for ins, arg in final if ins == "USER"]
    assert users, "the final stage must switch to a non-root USER"
    assert users[-1].split(":")[0] not in {"root", "0"}
    cmd = [arg for ins, arg in final if ins == "CMD"][-1]
    assert json.loads(cmd) == ["python", "-m", "store", "serve"]
    # Migrations are a separate command, never part of starting the server.
    assert "migrate" not in cmd
    assert not [arg for ins, arg in final if ins == "ENTRYPOINT"]


def test_the_image_holds_no_secret() -> None:
    for instruction, argument in dockerfile_instructions():
        if instruction in {"ENV", "ARG", "LABEL"}:
            for name in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=", argument):
                assert not SECRET_NAME.search(name), (
                    f"{instruction} {name}: secrets come from the environment"
                )
    env = {}
    for instruction, argument in dockerfile_instructions():
        if instruction == "ENV":
            env.update(dict(re.findall(r"([A-Z_][A-Z0-9_]*)=(\S+)", argument)))
    known = {PREFIX + f.upper() for f in Settings.__struct_fields__}
    unknown = sorted(name for name in env if name.startswith(PREFIX) and name not in known)
    assert not unknown, f"the image sets unknown settings (the app would refuse to start): {unknown}"
    assert ".env" in (ROOT / ".dockerignore").read_text().split()


def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_the_compose_stack_has_the_production_engines() -> None:
    services = compose()["services"]
    assert {"app", "migrate", "postgres", "meilisearch"} <= set(services)
    assert "seaweedfs" in services or "minio" in services
    app = services["app"]
    assert app["environment"]["TS_SEARCH_BACKEND"] == "meilisearch"
    assert app["environment"]["TS_STORAGE_BACKEND"] == "s3"
    assert app["environment"]["TS_DATABASE_URL"].startswith("postgresql://")
    assert app["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["command"] == ["python", "-m", "store", "migrate"]
    assert "command" not in app, "the app runs the image's CMD (python -m store serve)"


def test_the_compose_stack_sets_only_known_settings() -> None:
    known = {PREFIX + f.upper() for f in Settings.__struct_fields__}
    for name in ("app", "migrate"):
        env = compose()["services"][name]["environment"]
        unknown = sorted(k for k in env if k.startswith(PREFIX) and k not in known)
        assert not unknown, f"{name}: unknown settings {unknown}"


def test_the_compose_stack_writes_no_secret() -> None:
    for name, service in compose()["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key):
                assert REFERENCE.match(str(value)), f"{name}.{key} must come from the environment"
            if "://" in str(value) and "@" in str(value):
                credentials = str(value).split("://", 1)[1].split("@", 1)[0]
                assert "${" in credentials, f"{name}.{key}: password in a URL must be a variable"
