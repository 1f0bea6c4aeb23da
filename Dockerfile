# The aggregated apiserver image: `docker buildx build --platform linux/amd64,linux/arm64 -t IMAGE .`
# (podman/buildah: `podman build -t IMAGE .`). Runs as uid 65532 on a read-only root filesystem; mount a
# volume at /var/lib/aggregated-apiserver (LevelDB) and an emptyDir at /tmp.
# No `# syntax=` line: the builder's own Dockerfile frontend reads this file, so an air-gapped build does
# not go to a registry for one.
#
# Both base images are pinned by the digest of their multi-platform index, so a rebuild gets the same
# bases until someone moves them on purpose. To update one, read the tag's current digest and replace it
# here (either command prints the index digest):
#   docker buildx imagetools inspect node:24-bookworm-slim --format '{{.Manifest.Digest}}'
#   crane digest gcr.io/distroless/nodejs24-debian13:nonroot
# To build on other bases without editing this file (a mirror; test/image's local stand-ins), give each
# FROM reference, exactly as written here, a build context:
#   --build-context 'node:24-bookworm-slim@sha256:...=docker-image://MIRROR/node:24-bookworm-slim'
# (podman/buildah: container-image://).

# The build stage runs on the builder's own platform even for a foreign target: its output (JavaScript,
# and node_modules whose native LevelDB binaries are prebuilt for every platform) is the same for all.
FROM --platform=$BUILDPLATFORM node:24-bookworm-slim@sha256:a9f5f7c91a432850b2a8a7797adf5eadb6c733ceed61167806cee7ea7fbc29df AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: classic-level's install script would only look for its prebuild (compiling LevelDB
# if none fits); the prebuilds ship inside the npm package and are chosen when the module loads.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The commit the image is built from, recorded by the build for `aggregated-apiserver version`. Declared
# here, after `npm ci`, so a new commit does not invalidate the dependency layer.
# The source maps go: they point at src/, which the image does not hold, and node reads none without
# --enable-source-maps.
ARG GIT_COMMIT=""
RUN GIT_COMMIT="$GIT_COMMIT" npm run build && find dist -name '*.map' -delete && npm prune --omit=dev --ignore-scripts
# Fail here, not at the first start in a cluster, if a target platform lost its LevelDB binary.
RUN test -f node_modules/classic-level/prebuilds/linux-x64/classic-level.node \
 && test -f node_modules/classic-level/prebuilds/linux-arm64/classic-level.armv8.node \
 && mkdir -p empty-data

# distroless nodejs: glibc, libstdc++ (which the LevelDB binary needs), Node, and nothing else; no shell.
FROM gcr.io/distroless/nodejs24-debian13:nonroot@sha256:774b7d020b24214835769e24c3544835526cd0288f0b094eae48e8b2c2429a79
# VERSION is package.json's (a test keeps them equal); SOURCE is where the code lives, when it has an address.
ARG VERSION=0.1.0
ARG GIT_COMMIT=""
ARG SOURCE=""
LABEL org.opencontainers.image.title="aggregated-apiserver" \
      org.opencontainers.image.description="A Kubernetes aggregated (extension) apiserver: serves CRD-defined API groups from its own storage" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${GIT_COMMIT}" \
      org.opencontainers.image.source="${SOURCE}"
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The built-in API (wardle.example.com), read at run time from beside dist/.
COPY definitions ./definitions
# The LevelDB directory, owned by the server's user for a plain `docker run` with no volume.
COPY --from=build --chown=65532:65532 /app/empty-data /var/lib/aggregated-apiserver
# Numeric, so the kubelet can check runAsNonRoot without reading /etc/passwd.
USER 65532:65532
EXPOSE 8443
# Exec form, and node itself as PID 1: SIGTERM reaches the server (no shell or npm in between). Absolute
# paths, so a different working directory (a pod's workingDir, `docker run -w`) does not break the start.
# A young generation of 4 MiB semi-spaces, not V8's 16: an idle server holds 10-15 MiB less, and requests' garbage
# dies there as before (README, "Memory"; npm start and dist/main.js's #! line run node the same way).
ENTRYPOINT ["/nodejs/bin/node", "--max-semi-space-size=4", "/app/dist/main.js"]
CMD ["serve", "--secure-port=8443", "--data-dir=/var/lib/aggregated-apiserver", "--cert-dir=/tmp/certificates"]
