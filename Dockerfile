# UNGA Votes: production image. Build: docker build -t unga-votes .
# Migrations run as a separate step:  docker run --rm -e DATABASE_URL=... unga-votes unga migrate
# Import the shipped data once:        docker run --rm -e DATABASE_URL=... unga-votes unga import data/sources
# Serve:                               docker run -p 8000:8000 -e DATABASE_URL=... -e UNGA_SECRET_KEY=... unga-votes
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

USER unga
ENV UNGA_ENVIRONMENT=production
EXPOSE 8000
CMD ["uvicorn", "app.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--proxy-headers"]
