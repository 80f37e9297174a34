# The probe as an image: one static executable at /probe and nothing else.
#   podman build -t probe .    (or docker build -t probe .)
# The build stage runs the unit tests and the same static build as
# `make static` (scripts/build-static.sh).
FROM debian:bookworm-slim AS build
WORKDIR /src
COPY scripts/deps.sh scripts/
RUN scripts/deps.sh build unit static
COPY . .
RUN make -s unit && scripts/build-static.sh /out/probe

FROM scratch
LABEL org.opencontainers.image.title="probe" \
      org.opencontainers.image.description="Health checks for Kubernetes exec probes, sidecars and HEALTHCHECK: HTTP, TCP, mount, writable" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="scratch"
COPY --from=build /out/probe /probe
USER 65532:65532
ENTRYPOINT ["/probe"]
CMD ["--help"]
