# syntax=docker/dockerfile:1
# The aggregated apiserver image: `docker buildx build --platform linux/amd64,linux/arm64 -t IMAGE .`
# Runs as uid 65532 on a read-only root filesystem; mount a volume at /var/lib/aggregated-apiserver
# (LevelDB) and an emptyDir at /tmp.

# The build stage runs on the builder's own platform even for a foreign target: its output (JavaScript,
# and node_modules whose native LevelDB binaries are prebuilt for every platform) is the same for all.
FROM --platform=$BUILDPLATFORM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: classic-level's install script would only look for its prebuild (compiling LevelDB
# if none fits); the prebuilds ship inside the npm package and are chosen when the module loads.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts
# Fail here, not at the first start in a cluster, if a target platform lost its LevelDB binary.
RUN test -f node_modules/classic-level/prebuilds/linux-x64/classic-level.node \
 && test -f node_modules/classic-level/prebuilds/linux-arm64/classic-level.armv8.node \
 && mkdir -p empty-data

# distroless nodejs: glibc, libstdc++ (which the LevelDB binary needs), Node, and nothing else; no shell.
FROM gcr.io/distroless/nodejs24-debian13:nonroot
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
# Exec form, and node itself as PID 1: SIGTERM reaches the server (no shell or npm in between).
ENTRYPOINT ["/nodejs/bin/node", "dist/main.js"]
CMD ["serve", "--secure-port=8443", "--data-dir=/var/lib/aggregated-apiserver", "--cert-dir=/tmp/certificates"]
