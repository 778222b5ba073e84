# Loss Lab: the FastAPI app served by uvicorn. The app keeps no state, so run as many
# containers as needed behind any load balancer. Build: docker build -t loss-lab .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    WORKERS=2 \
    LOSS_LAB_BODY_TIMEOUT_SECONDS=10

WORKDIR /app

# Dependencies first (exact versions from requirements.lock), so code changes reuse this layer.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock \
    && groupadd --system --gid 10001 losslab \
    && useradd --system --no-log-init --uid 10001 --gid losslab --home-dir /app --shell /usr/sbin/nologin losslab

# Only what the server reads at run time; owned by root, so the app cannot rewrite itself.
COPY app ./app
COPY templates ./templates
COPY static ./static

USER 10001:10001
EXPOSE 8000

# The slim image has no curl: ask the health endpoint with Python's standard library.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=4)"]

# exec: uvicorn becomes PID 1 and gets the SIGTERM of `docker stop`, finishing in-flight
# requests (within 8 s, before Docker's 10 s SIGKILL) before it exits.
CMD ["sh", "-c", "exec uvicorn app.main:app --host 0.0.0.0 --port 8000 --workers \"${WORKERS}\" --no-server-header --timeout-graceful-shutdown 8"]
