# Sourced by test/image/run.sh: podman and buildah with a configuration and storage of this project's own,
# under ~/.cache/aggregated-apiserver/podman (nothing in /etc is changed). Why each setting:
# - runc: crun fails on the cgroup layout of the project's machines;
# - cgroupfs, events in a file: no systemd to manage cgroups or take journald events;
# - default_ulimits: podman gives root containers nofile=1048576 and its own nproc, above the hard limits
#   these machines allow, so every container would fail to start. Lower ones instead (on these machines
#   nproc=50000 still failed, below the 96365 hard limit; 32768 works).
podman_dir="${XDG_CACHE_HOME:-$HOME/.cache}/aggregated-apiserver/podman"
mkdir -p "$podman_dir/storage" "$podman_dir/run" "$podman_dir/tmp"
limit() { local hard="$1" cap="$2"; if [ "$hard" = unlimited ] || [ "$hard" -gt "$cap" ]; then echo "$cap"; else echo "$hard"; fi; }
nofile=$(limit "$(ulimit -Hn)" 65536)
nproc=$(limit "$(ulimit -Hu)" 32768)
cat >"$podman_dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$podman_dir/events.log"
image_copy_tmp_dir = "$podman_dir/tmp"
CONF
cat >"$podman_dir/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$podman_dir/storage"
runroot = "$podman_dir/run"
CONF
export CONTAINERS_CONF="$podman_dir/containers.conf"
export CONTAINERS_STORAGE_CONF="$podman_dir/storage.conf"
