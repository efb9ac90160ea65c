# syntax=docker/dockerfile:1
# Japanese zero-shot classification (Streamlit) for App Runner, ECS Express Mode or any container host.
# Expected size ~2.1 GB: python slim ~130 MB, CPU-only torch ~750 MB, pyarrow/pandas/numpy ~300 MB,
# unidic-lite ~250 MB, transformers ~130 MB, the BERT-base model ~450 MB. The CUDA build of torch
# would add ~4-5 GB of nvidia-* wheels that no CPU host uses.
FROM python:3.11.7-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 app
WORKDIR /app

# Dependencies first: this layer changes only when pyproject.toml (where every dependency is
# declared) does. torch from PyTorch's CPU-only index, pinned to the version the tests run on.
COPY pyproject.toml requirements.txt ./
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
 && pip install -r requirements.txt

# Saved label sets (SQLite by default) need a folder the app user may write; with several
# instances, set DATABASE_URL to PostgreSQL instead (docs/deploy.md).
RUN mkdir -p /app/data && chown app:app /app/data

USER app
ENV HF_HOME=/home/app/.cache/huggingface \
    DATA_DIR=/app/data

# The model, fetched at build time into the image (its own layer: code changes keep it cached).
ARG MODEL_ID=Formzu/bert-base-japanese-jsnli
ARG MODEL_REVISION=main
COPY --chown=app:app deploy/fetch_model.py /app/deploy/fetch_model.py
RUN python /app/deploy/fetch_model.py "${MODEL_ID}" --revision "${MODEL_REVISION}"

# A running container never reaches the hub: the model above is all it has.
# FORWARDED_ALLOW_IPS is uvicorn's list of proxies whose X-Forwarded-For it believes (default:
# loopback). Empty: no client can name another address and slip past a login lockout. Behind an
# ALB, set it to the load balancer's subnets (docs/security.md).
# GOMP_SPINCOUNT: torch's OpenMP threads spin 300,000 times by default before they sleep, which
# takes cores from the requests being read and tokenized; 10,000 raised int8 throughput with 1 and
# with 16 clients (python -m bench.load; docs/benchmarks.md).
ENV MODEL_ID=${MODEL_ID} \
    HF_HUB_OFFLINE=1 \
    FORWARDED_ALLOW_IPS="" \
    GOMP_SPINCOUNT=10000

COPY --chown=app:app . /app

EXPOSE 8080
# /healthz answers 200 while the model loads, so the start period only covers Python's start.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]

CMD ["streamlit", "run", "app.py"]
