# The probe as an image: one static executable at /probe and nothing else,
# for linux/amd64, linux/arm64, linux/arm/v7, linux/ppc64le and linux/s390x
# from one file.
#   podman build -t probe .    (or docker build -t probe .)
#   podman build --platform linux/amd64,linux/arm64,linux/arm/v7,linux/ppc64le,linux/s390x \
#       --manifest probe:0.1.0 \
#       --build-arg BUILDPLATFORM=linux/amd64 \
#       --build-arg SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) \
#       --timestamp $(git log -1 --format=%ct) --no-cache .
# (Podman 4.3 does not set BUILDPLATFORM; docker buildx does.)
# The build stage runs on the build machine's platform and cross-compiles
# for the target (TARGETARCH) with the same script as `make static`
# (scripts/build-static.sh); its unit tests run natively. The commit's time
# as SOURCE_DATE_EPOCH makes the binary reproducible (make repro-test), and
# with --timestamp the image too: same commit, same digest (make
# image-test). A layer cache may lend the step that installs the packages
# (it depends on the scripts it copies only; SOURCE_DATE_EPOCH is declared
# after it), never a step of the final image: its first step names
# SOURCE_DATE_EPOCH, so an older build's steps, with their older times,
# never match.
FROM --platform=$BUILDPLATFORM debian:bookworm-slim AS build
ARG TARGETARCH
WORKDIR /src
ARG TARGETVARIANT
COPY scripts/deps.sh scripts/arch.sh scripts/arches scripts/
# ARCH: the row of scripts/arches for the target platform.
RUN a=${TARGETARCH:-$(dpkg --print-architecture)} && \
    arch=$(scripts/arch.sh name platform "linux/$a${TARGETVARIANT:+/$TARGETVARIANT}" 2>/dev/null || \
        scripts/arch.sh name platform "linux/$a") && \
    echo "$arch" >/arch && scripts/deps.sh build unit static && \
    if [ "$arch" != "$(uname -m)" ]; then scripts/deps.sh "$arch"; fi
ARG SOURCE_DATE_EPOCH=0
COPY . .
RUN make -s unit && \
    ARCH=$(cat /arch) SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH scripts/build-static.sh /out/probe

FROM scratch
ARG SOURCE_DATE_EPOCH=0
LABEL dev.probe.source-date-epoch="${SOURCE_DATE_EPOCH}" \
      org.opencontainers.image.title="probe" \
      org.opencontainers.image.description="Health checks for Kubernetes exec probes, sidecars and HEALTHCHECK: HTTP, TCP, gRPC, mount, writable" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="scratch"
COPY --from=build /out/probe /probe
# What is inside /probe, component by component (scripts/sbom.py).
COPY --from=build /out/probe.cdx.json /sbom.cdx.json
LABEL dev.probe.sbom="/sbom.cdx.json" \
      dev.probe.sbom.format="CycloneDX 1.6 JSON"
USER 65532:65532
ENTRYPOINT ["/probe"]
CMD ["--help"]
