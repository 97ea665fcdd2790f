# The items API image. Pants builds it: `pants package //:api-image` packages the two pexes
# from services/api/BUILD (third-party code, then our code) into the build context first.

# The official python:3.11-slim image (Debian bookworm, Python 3.11.14), pinned by the digest of
# its multi-architecture index. Any glibc Linux image with CPython 3.11 and the venv module works.
ARG BASE_IMAGE=python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d

# Third-party code as a virtualenv in /app. Its pex changes only with the lockfile, so a
# code-only change reuses this stage and the layer the final stage copies from it.
FROM ${BASE_IMAGE} AS deps
COPY services.api/image-deps.pex /tmp/deps.pex
# Source maps and the ES-module builds of Swagger UI are for debugging it in a browser: /docs
# serves the plain bundle, so they are dropped (about 7 MB).
RUN PEX_TOOLS=1 python3 /tmp/deps.pex venv --scope=deps --compile /app \
    && find /app -name '*.js.map' -delete \
    && find /app -path '*/swagger_ui_bundle/*' -name 'swagger-ui-es-bundle*' -delete

# Our code, installed into a virtualenv at the same path so its site-packages line up.
FROM ${BASE_IMAGE} AS code
COPY services.api/image-code.pex /tmp/code.pex
RUN PEX_TOOLS=1 python3 /tmp/code.pex venv --scope=srcs --compile /app

# No pex, pip cache or build tools here: the base image and the two virtualenv layers, our code
# last. The settings come first, so a rebuild after a code change redoes only the last step.
# The code belongs to root and the server runs as an unprivileged uid: it cannot change its code.
FROM ${BASE_IMAGE}
# Gunicorn's workers share their metrics through files in this (in-memory) directory.
ENV PATH=/app/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PROMETHEUS_MULTIPROC_DIR=/dev/shm/metrics
WORKDIR /app
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/health', timeout=4)"]
# Migrations are a one-off run of this image with another command (never part of start-up):
#   python -m services.api.manage db upgrade
CMD ["gunicorn", "--config", "python:libs.web.gunicorn_config", "services.api.wsgi:app"]
COPY --from=deps /app /app
COPY --from=code /app/lib/python3.11/site-packages /app/lib/python3.11/site-packages
