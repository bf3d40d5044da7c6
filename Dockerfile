# The Darkstar add-on image. Home Assistant's builder (and the Supervisor, when it builds locally) passes
# BUILD_FROM (build.yaml's base for the architecture), BUILD_ARCH (aarch64 or amd64) and BUILD_VERSION
# (config.yaml's version, the one place the add-on's version is written; a test keeps the assembly's equal to it).
ARG BUILD_FROM=ghcr.io/home-assistant/base-debian:bookworm
# The .NET SDK of the build stage. eng/addon-test.sh, where no registry is reachable, points it at a local image.
ARG BUILD_SDK=mcr.microsoft.com/dotnet/sdk:10.0

# The build stage runs on the build machine's own architecture and publishes for the target's: `dotnet publish -r`
# needs no emulation, and the SDK under qemu is slow.
FROM --platform=$BUILDPLATFORM ${BUILD_SDK} AS build
ARG BUILD_ARCH=amd64
WORKDIR /source
# global.json stays out: it pins the SDK band of the development machines, not the SDK image's.
COPY .editorconfig Directory.Build.props Directory.Packages.props ./
# The web UI is bundled by the build (src/Darkstar runs npm ci and web/build.mjs): node and npm in this stage only,
# the run-time image gets the bundle alone.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
COPY web/ web/
COPY src/ src/
# Self-contained: Home Assistant's Debian base has no .NET runtime and Debian packages none, so the runtime ships
# with the application (the one copy of it in the image, in the same layer).
RUN case "$BUILD_ARCH" in \
      aarch64) rid=linux-arm64 ;; \
      amd64) rid=linux-x64 ;; \
      *) echo "Darkstar builds for aarch64 and amd64, not '$BUILD_ARCH'" >&2; exit 1 ;; \
    esac \
    && dotnet publish src/Darkstar/Darkstar.csproj -c Release -r "$rid" --self-contained \
         -p:DebugType=none -p:GenerateDocumentationFile=false -o /app --nologo -v q -clp:ErrorsOnly

FROM ${BUILD_FROM}
ARG BUILD_ARCH=amd64
ARG BUILD_VERSION

# The run-time Debian packages: the one list the setup script and CI install too.
COPY eng/packages.txt /tmp/packages.txt
RUN apt-get update \
    && grep -vE '^[[:space:]]*(#|$)' /tmp/packages.txt | xargs apt-get install -y --no-install-recommends \
    && apt-get clean && rm -rf /var/lib/apt/lists/* /tmp/packages.txt

COPY --from=build /app /usr/lib/darkstar
COPY rootfs /
RUN ln -s /usr/lib/darkstar/darkstar /usr/bin/darkstar

# s6-overlay gives a stopping service this long after SIGTERM (default 3 s); the Supervisor's own stop timeout is
# config.yaml's `timeout` (10 s). No diagnostics IPC socket in /tmp: nothing attaches a debugger to the add-on.
# Memory for months on a Raspberry Pi (bench soak measures with these): two malloc arenas, not one per core for the
# solver's and XGBoost's threads; JIT code mapped once, not as a writable and an executable view.
ENV S6_SERVICES_GRACETIME=8000 \
    DOTNET_EnableDiagnostics=0 \
    MALLOC_ARENA_MAX=2 \
    DOTNET_EnableWriteXorExecute=0

# /health answers 200 while the service runs (ok or degraded) and 503 on error. Bash's /dev/tcp: no curl needed.
HEALTHCHECK --interval=5s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8099 && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && read -r _ code _ <&3 && [ \"$code\" = 200 ]"]

LABEL io.hass.name="Darkstar" \
      io.hass.description="Plans your battery, grid and water heater around solar forecasts and day-ahead prices" \
      io.hass.type="addon" \
      io.hass.arch="${BUILD_ARCH}" \
      io.hass.version="${BUILD_VERSION}" \
      org.opencontainers.image.title="Darkstar" \
      org.opencontainers.image.version="${BUILD_VERSION}"
