# websockify in a container: `docker build -t websockify .`, then for example
#   docker run --rm -p 6080:6080 websockify --metrics-listen 127.0.0.1:9100 6080 vnc.lan:5900
# The health check asks /healthz on port 9100, so give --metrics-listen 9100 (every address,
# for Prometheus too) or 127.0.0.1:9100 (the health check only). README "Install" has more, and
# examples/docker-compose.yml runs it with a VNC server and Redis.

# --- build: the release preset, installed into /staging/usr/local -------------------------
FROM debian:bookworm AS build
# The build packages of scripts/install-deps.sh (test/integration/test_install.py checks that
# this list keeps up with it), and npm for web/'s xterm.js.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        cmake ninja-build ccache g++ pkg-config \
        libasio-dev libssl-dev libcli11-dev libspdlog-dev libgtest-dev \
        libcurl4-openssl-dev libhiredis-dev nlohmann-json3-dev zlib1g-dev libsystemd-dev \
        npm ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# web/ first: its npm layer stays cached while only the C++ changes.
COPY web/package.json web/package-lock.json web/
RUN cd web && npm ci --no-audit --no-fund --loglevel=error
COPY . .
# No tests in the image (they need python3 and more); only the two installed targets are built.
RUN cmake --preset release -DWEBSOCKIFY_BUILD_TESTS=OFF \
    && cmake --build --preset release --target websockify websockify_rebind \
    && DESTDIR=/staging cmake --install build/release --prefix /usr/local --strip

# --- runtime ------------------------------------------------------------------------------
FROM debian:bookworm-slim
# The packages of the shared libraries the binary needs (readelf -d: NEEDED), found with
# `dpkg -S`; test/integration/test_install.py checks this list against the built binary.
# ca-certificates: --ssl-target and https token APIs verify against the system CAs.
# curl: the HEALTHCHECK below (small, since libcurl4 is needed anyway).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libc6 libgcc-s1 libstdc++6 zlib1g libssl3 libspdlog1.10 libfmt9 libcurl4 \
        libhiredis0.14 libsystemd0 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /staging/usr/local/ /usr/local/
# An unprivileged account: ports above 1023 need no root, and --user is not needed.
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/websockify --create-home \
        --shell /usr/sbin/nologin websockify
USER websockify
# The default --cert is self.pem in the working directory; --record files go here too.
WORKDIR /var/lib/websockify
# 6080: the usual WebSocket port (noVNC's); 9100: --metrics-listen 9100.
EXPOSE 6080 9100
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:9100/healthz || exit 1
ENTRYPOINT ["websockify"]
CMD ["--help"]
