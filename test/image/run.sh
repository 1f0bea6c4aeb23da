#!/usr/bin/env bash
# The container image, built and run for real: installs podman/buildah (once), builds local stand-ins
# for the Dockerfile's base images (test/image/stand-ins.sh; no registry is reachable here), builds the
# UNCHANGED Dockerfile on them, runs the image as the Helm chart runs it and checks it, then runs the
# aggregation end-to-end test (test/image/aggregation.test.ts) with the server in the container.
# Every check fails the run with what it saw. `.ci/run` calls this; it runs alone too.
set -euo pipefail
cd "$(dirname "$0")/../.."

# --- tools -------------------------------------------------------------------------------------------
need=()
for tool in podman buildah runc mmdebstrap fuse-overlayfs; do command -v "$tool" >/dev/null || need+=("$tool"); done
if [ "${#need[@]}" -gt 0 ]; then
  echo "== installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman buildah runc mmdebstrap uidmap fuse-overlayfs >/dev/null
fi
# shellcheck source=test/image/podman-env.sh
source test/image/podman-env.sh

image=localhost/aggregated-apiserver:ci
# The image budget: measured 263 MB with the stand-in bases (the runtime stand-in alone 154 MB), about 15% above.
budget_mb=300
# What the Dockerfile adds on top of the runtime base (dist, production node_modules, definitions): measured
# 108 MB, about 15% above.
added_budget_mb=125
grace_s=30 # the chart's terminationGracePeriodSeconds
work=$(mktemp -d "${TMPDIR:-/tmp}/image-test-XXXXXX")
containers=()
cleanup() {
  for c in "${containers[@]}"; do podman rm -f --ignore "$c" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
pass() { echo "ok: $*"; }

# --- the stand-in bases and the build ----------------------------------------------------------------
# The Dockerfile's FROM references, exactly as written (tag and digest), each given the stand-in of the same
# repository and tag as a build context: the Dockerfile is built unchanged.
contexts=()
standin_build='' standin_runtime=''
while read -r ref; do
  name="${ref%@*}"
  case "$name" in */*/*) ;; */*) name="docker.io/$name" ;; *) name="docker.io/library/$name" ;; esac
  contexts+=(--build-context "$ref=container-image://$name")
  if [ -z "$standin_build" ]; then standin_build="$name"; else standin_runtime="$name"; fi
done < <(sed -nE 's/^FROM( --platform=[^ ]+)? ([^ ]+).*/\2/p' Dockerfile)
[ -n "$standin_runtime" ] || fail "expected two FROM lines in the Dockerfile"
[ "$standin_build" = docker.io/library/node:24-bookworm-slim ] || fail "the build stage's base is $standin_build; update test/image/stand-ins.sh"
[ "$standin_runtime" = gcr.io/distroless/nodejs24-debian13:nonroot ] || fail "the runtime base is $standin_runtime; update test/image/stand-ins.sh"

echo "== stand-in base images"
bash test/image/stand-ins.sh "$standin_build" "$standin_runtime"

revision=$(git rev-parse HEAD)
version=$(node -p "require('./package.json').version")
source_url=$(git remote get-url origin 2>/dev/null || true)
echo "== podman build (Dockerfile unchanged, bases from the stand-ins)"
start=$(date +%s)
nice -n 10 podman build --pull=never --layers "${contexts[@]}" \
  --build-arg GIT_COMMIT="$revision" --build-arg VERSION="$version" --build-arg SOURCE="$source_url" \
  -t "$image" . >"$work/build.log" 2>&1 || {
  tail -40 "$work/build.log" >&2
  fail "podman build"
}
pass "built $image in $(($(date +%s) - start)) s"

# --- what the image holds ----------------------------------------------------------------------------
echo "== image contents, labels and size"
label() { podman image inspect --format "{{index .Labels \"org.opencontainers.image.$1\"}}" "$image"; }
for key in title description source licenses version revision; do
  podman image inspect --format '{{json .Labels}}' "$image" | grep -q "\"org.opencontainers.image.$key\"" || fail "label org.opencontainers.image.$key is missing"
done
[ "$(label revision)" = "$revision" ] || fail "label revision is '$(label revision)', not $revision"
[ "$(label version)" = "$version" ] || fail "label version is '$(label version)', not $version"
[ "$(label licenses)" = Apache-2.0 ] || fail "label licenses is '$(label licenses)'"
pass "OCI labels (revision $revision, version $version)"

root=$(podman image mount "$image")
files=$(cd "$root" && find app -type f)
podman image unmount "$image" >/dev/null
maps=$(grep -E '\.map$' <<<"$files" | grep -v '^app/node_modules/' || true)
[ -z "$maps" ] || fail "source maps without their sources: $(head -5 <<<"$maps")"
tests=$(grep -E '\.(test|spec)\.js$' <<<"$files" | grep -v '^app/node_modules/' || true)
[ -z "$tests" ] || fail "test files in the image: $(head -5 <<<"$tests")"
grep -q '^app/dist/main.js$' <<<"$files" || fail "app/dist/main.js is missing"
grep -q '^app/definitions/' <<<"$files" || fail "app/definitions is missing"
# What the lockfile marks dev-only (the devDependencies and what only they need; @types/node, say, is also
# a production dependency's).
dev_only=$(node -e "const l=require('./package-lock.json');for(const [k,v] of Object.entries(l.packages))if(v.dev)console.log('app/'+k+'/package.json')")
grep -q '^app/node_modules/typescript/package.json$' <<<"$dev_only" || fail "package-lock.json does not mark typescript dev-only"
found=$(grep -Fxf <(echo "$dev_only") <<<"$files" || true)
[ -z "$found" ] || fail "dev dependencies in the image: $(head -5 <<<"$found")"
pass "no source maps, test files or dev dependencies ($(wc -l <<<"$files") files under /app)"

size=$(podman image inspect --format '{{.Size}}' "$image")
base=$(podman image inspect --format '{{.Size}}' "$standin_runtime")
size_mb=$((size / 1000000))
added_mb=$(((size - base) / 1000000))
echo "image: $size_mb MB (budget $budget_mb MB); added to the runtime base: $added_mb MB (budget $added_budget_mb MB)"
[ "$size_mb" -le "$budget_mb" ] || fail "the image is $size_mb MB, over its budget of $budget_mb MB"
[ "$added_mb" -le "$added_budget_mb" ] || fail "the Dockerfile adds $added_mb MB, over its budget of $added_budget_mb MB"
pass "size within budget"

# --- run as the chart runs it ------------------------------------------------------------------------
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
data="$work/data"
tmp="$work/tmp"
mkdir -p "$data" "$tmp"
chown 65532:65532 "$data" "$tmp"
chart_security=(--user 65532:65532 --read-only --read-only-tmpfs=false --cap-drop=ALL --security-opt=no-new-privileges)
port=$(free_port)
kubeconfig="$data/local/kubeconfig"
kc() { kubectl --kubeconfig "$kubeconfig" --cache-dir "$work/kube-cache" "$@"; }

# Starts local mode in the container as $c (named, so the exit trap removes it even after a failure).
start_local() {
  local name="image-test-local-$port-$1"
  containers+=("$name")
  c="$name"
  podman run -d --pull=never --name "$name" --network=host "${chart_security[@]}" \
    -v "$data:/var/lib/aggregated-apiserver" -v "$tmp:/tmp" "$image" \
    local "--secure-port=$port" --bind-address=127.0.0.1 --data-dir=/var/lib/aggregated-apiserver >/dev/null
  local i
  for i in $(seq 1 60); do
    if [ -f "$kubeconfig" ] && [ "$(kc get --raw /readyz 2>/dev/null)" = ok ]; then return; fi
    [ "$(podman inspect --format '{{.State.Running}}' "$name")" = true ] || break
    sleep 1
  done
  podman logs "$name" >&2 || true
  fail "local mode in the container did not answer /readyz ok over TLS"
}

stop_gracefully() {
  local name="$1" t0 code
  t0=$(date +%s)
  podman kill --signal TERM "$name" >/dev/null
  code=$(timeout $((grace_s + 5)) podman wait "$name") || fail "$name still runs ${grace_s}s after SIGTERM"
  local took=$(($(date +%s) - t0))
  [ "$code" = 0 ] || { podman logs "$name" | tail -20 >&2; fail "$name exited $code after SIGTERM, not 0"; }
  [ "$took" -lt "$grace_s" ] || fail "$name took ${took}s to stop, not within the chart's ${grace_s}s"
  pass "SIGTERM: exit 0 in ${took}s"
}

echo "== local mode in the container (uid 65532, read-only root, no capabilities)"
start_local 1
pass "/readyz over TLS answers ok (kubeconfig written by local mode at <data-dir>/local/kubeconfig)"
kc create -f - >/dev/null 2>"$work/kubectl.err" <<'YAML' || fail "kubectl create flunder: $(cat "$work/kubectl.err")"
apiVersion: wardle.example.com/v1alpha1
kind: Flunder
metadata:
  name: from-the-image
  namespace: default
spec:
  reference: kept-on-disk
YAML
kc get flunders -n default -o name | grep -qx 'flunder.wardle.example.com/from-the-image' || fail "kubectl get flunders does not list the new one"
pass "kubectl creates and lists a Flunder (LevelDB's native module loads)"

pid=$(podman inspect --format '{{.State.Pid}}' "$c")
uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")
gids=$(awk '/^Gid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")
[ "$uids" = "65532 65532 65532 65532" ] && [ "$gids" = "65532 65532 65532 65532" ] || fail "the server runs as uid '$uids' gid '$gids', not 65532"
pass "the server runs as uid/gid 65532"

if out=$(podman exec "$c" /nodejs/bin/node -e "require('fs').writeFileSync('/app/x', 'x')" 2>&1); then
  fail "writing /app/x succeeded on what should be a read-only root filesystem"
fi
grep -q EROFS <<<"$out" || fail "writing /app/x failed, but not with EROFS: $out"
pass "the root filesystem refuses writes (EROFS)"

stop_gracefully "$c"

start_local 2
[ "$(kc get flunders.v1alpha1.wardle.example.com from-the-image -n default -o jsonpath='{.spec.reference}' 2>/dev/null)" = kept-on-disk ] || fail "the Flunder is gone after a restart on the same data volume"
pass "a restart on the same data volume keeps the object"
stop_gracefully "$c"

echo "== serve mode outside a cluster (the image's default command)"
out=$(podman run --rm --pull=never --network=host "${chart_security[@]}" -v "$tmp:/tmp" "$image" 2>&1) && fail "serve started with no cluster: $out"
grep -qi 'Invalid URL' <<<"$out" && fail "serve outside a cluster says Invalid URL: $out"
grep -q 'no kube-apiserver' <<<"$out" || fail "serve outside a cluster does not say it has no kube-apiserver: $out"
pass "serve outside a cluster says: $(head -c 120 <<<"$out")..."

# --- aggregation through a real kube-apiserver, the server in the container ---------------------------
echo "== aggregation end-to-end with the server in the container"
report=".tmp/vitest-image.json"
mkdir -p .tmp
rm -f "$report"
rc=0
AGGREGATED_APISERVER_IMAGE="$image" npx vitest run --config test/image/vitest.config.ts \
  --reporter=default --reporter=json --outputFile="$report" || rc=$?
[ -f "$report" ] || fail "the aggregation test wrote no report"
p=$(node -e "console.log(require('./$report').numPassedTests)")
f=$(node -e "const r=require('./$report');console.log(r.numFailedTests + r.numPendingTests + r.numTodoTests)")
echo "image tests: $p passed, $f failed or skipped"
{ [ "$rc" -eq 0 ] && [ "$p" -gt 0 ] && [ "$f" -eq 0 ]; } || fail "the aggregation test with the image"
pass "container image: every check passed"
