# ringo's container image: `ringo` with its pinned baresip, on debian:bookworm-slim.
#
#   docker build -t ringo .
#   docker run --rm --network host -v "$PWD/scenarios:/scn:ro" ringo flow run /scn
#
# Stages: `baresip` builds the pinned baresip with ringo's own .ci/build-baresip
# (sources from .ci/vendor/ when the tarballs are there, else the same tags
# from GitHub, checked either way); `app` caches ringo's npm dependencies and
# writes the `ringo` command; the last stage holds only the runtime libraries,
# deno, baresip and ringo, and runs as the unprivileged user `ringo`.
# docs/install.md has the mounts for --env-file, --junit and --save-audio.
# Without a registry (ringo's CI machines), .ci/container-base makes the two
# base images locally and .ci/build-image builds this file with podman.

ARG DENO_VERSION=2.9.6
ARG BARESIP_VERSION=4.10.0

FROM docker.io/denoland/deno:bin-${DENO_VERSION} AS deno

# --- baresip, built by the same script and from the same sources as a checkout's ---
FROM docker.io/library/debian:bookworm-slim AS baresip
ARG BARESIP_VERSION
ENV DEBIAN_FRONTEND=noninteractive
COPY .ci/build-baresip /src/.ci/build-baresip
COPY .ci/vendor/ /src/vendor/
# Then the Debian packages of the shared libraries it links, for the runtime stage.
# The optional build secret ca-certificates is a CA bundle for downloads behind a TLS-inspecting proxy.
RUN --mount=type=secret,id=ca-certificates,target=/run/secrets/ca-certificates.crt,required=false \
  if [ -s /run/secrets/ca-certificates.crt ]; then export CURL_CA_BUNDLE=/run/secrets/ca-certificates.crt; fi \
  && RINGO_VENDOR=/src/vendor RINGO_BARESIP_PREFIX=/opt/baresip RINGO_BARESIP_HEADLESS=1 \
      /src/.ci/build-baresip "$BARESIP_VERSION" \
  && rm -rf /opt/baresip/include /opt/baresip/lib/cmake /opt/baresip/lib/pkgconfig \
      /opt/baresip/lib/*.a /opt/baresip/share/baresip/*.wav.orig \
  && ldd /opt/baresip/bin/baresip /opt/baresip/lib/*.so* /opt/baresip/lib/baresip/modules/*.so \
    | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u \
    | while read -r lib; do dpkg -S "*/$(basename "$lib")" 2>/dev/null | head -1 | cut -d: -f1; done \
    | sort -u > /opt/baresip/runtime-packages \
  && test -s /opt/baresip/runtime-packages

# --- ringo: its files, its npm dependencies cached, and the `ringo` command ---
FROM docker.io/library/debian:bookworm-slim AS app
COPY --from=deno /deno /usr/local/bin/deno
ENV DENO_DIR=/opt/ringo/.deno DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1
WORKDIR /opt/ringo
COPY deno.json deno.lock import_map.json ./
RUN --mount=type=secret,id=ca-certificates,target=/run/secrets/ca-certificates.crt,required=false \
  if [ -s /run/secrets/ca-certificates.crt ]; then export DENO_CERT=/run/secrets/ca-certificates.crt; fi \
  && deno install --frozen
COPY . .
# The flags are RINGO_DENO_FLAGS of .ci/deno_flags.ts (tests/dist/flags_test.ts checks this line).
RUN rm -rf .ci && deno cache --frozen main.ts flow/sandbox/worker.ts flow/api/mod.ts \
  && printf '#!/bin/sh\nexec deno run %s --config /opt/ringo/deno.json /opt/ringo/main.ts "$@"\n' \
    "--unstable-kv --unstable-worker-options --allow-all" > /usr/local/bin/ringo \
  && chmod 755 /usr/local/bin/ringo

# --- runtime ---
FROM docker.io/library/debian:bookworm-slim
ARG BARESIP_VERSION
ARG RINGO_VERSION=dev
# The release workflow adds source, revision and created (docker/metadata-action).
LABEL org.opencontainers.image.title="ringo" \
      org.opencontainers.image.description="Make and test phone calls from the terminal: SIP scenario tests (ringo flow) on a pinned baresip" \
      org.opencontainers.image.version="${RINGO_VERSION}" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim" \
      io.ringo.baresip.version="${BARESIP_VERSION}"
ENV DEBIAN_FRONTEND=noninteractive
COPY --from=baresip /opt/baresip/runtime-packages /tmp/runtime-packages
RUN apt-get update -qq \
  && apt-get install -y -qq --no-install-recommends $(cat /tmp/runtime-packages) ca-certificates \
  && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages \
  && useradd --uid 1000 --user-group --create-home --shell /bin/sh ringo \
  && mkdir -p /work /out && chown ringo:ringo /work /out
COPY --from=deno /deno /usr/local/bin/deno
COPY --from=baresip /opt/baresip /opt/baresip
COPY --from=app /opt/ringo /opt/ringo
COPY --from=app /usr/local/bin/ringo /usr/local/bin/ringo
# baresip is found on PATH (ringo --version says so); RINGO_BARESIP overrides it.
ENV PATH=/opt/baresip/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DENO_DIR=/opt/ringo/.deno DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1 \
    RINGO_HEALTH_URL=http://127.0.0.1:9090/healthz
USER ringo
WORKDIR /work
# For `ringo flow serve` (listening on its default 127.0.0.1:9090 with --network host;
# set RINGO_HEALTH_URL when it listens elsewhere). One-shot `flow run` containers end first.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["deno", "eval", "const r = await fetch(Deno.env.get('RINGO_HEALTH_URL')).catch(() => null); Deno.exit(r?.ok ? 0 : 1);"]
ENTRYPOINT ["ringo"]
CMD ["--help"]
