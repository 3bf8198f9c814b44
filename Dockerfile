# syntax=docker/dockerfile:1
# Territoires Store, production image: granian serving `python -m store serve` as a non-root user.
# Migrations are a separate command, run once per release:  docker compose run --rm migrate
# (Not buildable on the project's development machines, which have no Docker engine.)

# --- 1. Front-end assets (DSFR) from the npm lock file --------------------------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# --- 2. Python dependencies from uv.lock, into a self-contained virtual environment ----------------
FROM python:3.11-slim-bookworm AS python-deps
ENV UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /src
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

# --- 3. Runtime: the venv, the code, the assets; nothing to build, no compilers ------------------
FROM python:3.11-slim-bookworm AS runtime
RUN groupadd --system --gid 10001 territoires \
 && useradd --system --uid 10001 --gid territoires --home-dir /app --shell /usr/sbin/nologin territoires \
 && mkdir -p /data \
 && chown territoires:territoires /data
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TS_ENV=prod \
    TS_HOST=0.0.0.0 \
    TS_PORT=8000 \
    TS_DATA_DIR=/data \
    TS_DATABASE_URL=sqlite:////data/territoires.sqlite3 \
    TS_LOG_FORMAT=json \
    TS_DSFR_DIR=/app/node_modules/@gouvfr/dsfr/dist
WORKDIR /app
COPY --from=python-deps /opt/venv /opt/venv
COPY --from=assets /src/node_modules/@gouvfr/dsfr/dist /app/node_modules/@gouvfr/dsfr/dist
COPY pyproject.toml piccolo_conf.py ./
COPY store ./store
COPY catalogue ./catalogue
COPY search ./search
COPY plugins ./plugins
COPY admin ./admin
USER territoires:territoires
EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=3)"]
CMD ["python", "-m", "store", "serve"]
