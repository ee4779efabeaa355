# syntax=docker/dockerfile:1
# The bot for one deployment (a school or a trust): `docker compose up -d` with compose.yaml
# (README, "Deploying with Docker Compose"). tests/test_container.py checks this file, builds the
# same wheel from the same files, installs it away from the source tree and runs this
# HEALTHCHECK against `socialpolicy-bot run`.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: a virtual environment with the bot's wheel and its dependencies -----------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore
WORKDIR /src

# The dependencies first, from pyproject.toml alone: this layer is rebuilt only when they change.
COPY pyproject.toml ./
RUN --mount=type=cache,target=/root/.cache/pip \
    python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" > requirements.txt \
 && python -m venv /opt/venv \
 && /opt/venv/bin/pip install --requirement requirements.txt

# Then the bot itself, as a wheel (README.md is its long description; the bundled policy and
# the migrations are package data).
COPY README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY store ./store
RUN --mount=type=cache,target=/root/.cache/pip \
    python -m pip wheel --no-deps --wheel-dir /wheels . \
 && /opt/venv/bin/pip install --no-deps /wheels/socialpolicy_bot-*.whl \
 && /opt/venv/bin/pip check

# --- run: the interpreter, the virtual environment and nothing else -------------------------
FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PORT=3000

# A fixed uid, so a mounted policy folder or a SQLite volume can be given to it; /app is its
# home and working folder.
RUN groupadd --system --gid 10001 bot \
 && useradd --system --no-log-init --uid 10001 --gid bot --home-dir /app --shell /usr/sbin/nologin bot \
 && install --directory --owner=bot --group=bot --mode=0750 /app

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
USER 10001:10001
EXPOSE 3000

# /healthz answers 200 while the database is reachable (and Slack's socket is up in Socket
# Mode), 503 otherwise. Plain Python, so the image needs no curl; no proxy for loopback.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["python", "-c", \
    "import os, sys, urllib.request as u\ntry: u.build_opener(u.ProxyHandler({})).open(f'http://127.0.0.1:{os.environ.get(\"PORT\") or 3000}/healthz', timeout=4)\nexcept OSError as error: sys.exit(f'unhealthy: {error}')"]

ENTRYPOINT ["socialpolicy-bot"]
CMD ["run"]
