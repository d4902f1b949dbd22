# The production image. One image runs all three app processes; docker-compose.yml picks the command:
# gunicorn (the default below), `celery -A mentorship worker` or `celery -A mentorship beat`.
# The code runs from /app as it does from a checkout (manage.py, celery -A mentorship).
FROM python:3.11-slim

# gunicorn reads both of the last two: WEB_CONCURRENCY is its worker count, GUNICORN_CMD_ARGS its
# other flags, so `gunicorn mentorship.wsgi` means the same thing here and in docker-compose.yml.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    WEB_CONCURRENCY=2 \
    GUNICORN_CMD_ARGS="--bind 0.0.0.0:8000 --worker-tmp-dir /dev/shm --access-logfile - --timeout 60"

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin app

# pg_dump and pg_restore for `manage.py backup` / `restore` (README, "Backup and restore"): the
# client must be of the server's major version (postgres:15 in docker-compose.yml) or newer.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so a code change does not reinstall them.
# `[tool.setuptools] packages = []` makes installing the project install only its dependencies, so
# it needs no source files; the build happens outside /app and leaves nothing behind.
COPY pyproject.toml /tmp/build/pyproject.toml
RUN pip install --no-cache-dir /tmp/build && rm -rf /tmp/build

COPY . .

# Static files are collected into the image (STATIC_ROOT, default /app/staticfiles) and served by
# whitenoise. Settings refuse to load with DEBUG off and no real key or database, so this one step gets
# throwaway values; they are not kept in the image's environment.
# var/ is the only place the app may write (the default mail folder and SQLite file live there).
RUN DEBUG=false SECRET_KEY=collectstatic-at-build-time-only-not-a-real-secret DATABASE_URL=sqlite:////tmp/build.sqlite3 \
      python manage.py collectstatic --noinput \
 && mkdir -p /app/var \
 && chown app:app /app/var

# Numeric, so a runtime that insists on a non-root user (e.g. Kubernetes runAsNonRoot) can verify it.
USER 10001:10001

EXPOSE 8000

CMD ["gunicorn", "mentorship.wsgi"]
