#!/usr/bin/env bash
# kube-assets.sh: make a real kube-apiserver and etcd available to tests.
#
# Usage: scripts/kube-assets.sh
#   Prints, as the last line on stdout, the absolute path of a directory that
#   holds the executables `kube-apiserver` and `etcd` (use it as
#   KUBEBUILDER_ASSETS for controller-runtime's envtest). Everything else goes
#   to stderr.
#
# The binaries are built from the Go module proxy via the tools module in
# tools/kubeapiserver and cached, keyed by the Kubernetes version, in
#   ${FLAGZ_KUBE_ASSETS:-${XDG_CACHE_HOME:-$HOME/.cache}/flagz/kube-assets}/<version>
# A cached copy is reused at once. A cold build takes about 5 minutes on two
# cores; it goes to a temporary directory beside the cache and is renamed into
# place only when complete, so an interrupted run never leaves a half cache.
set -euo pipefail

log() { printf 'kube-assets: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo_root=$(cd -- "$script_dir/.." && pwd -P)
tools_dir="$repo_root/tools/kubeapiserver"
[[ -f "$tools_dir/go.mod" ]] || die "missing $tools_dir/go.mod"

# The version comes from the tools module, so the cache key cannot drift from it.
version=$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2; exit }' "$tools_dir/go.mod")
[[ -n "$version" ]] || die "cannot read the k8s.io/kubernetes version from $tools_dir/go.mod"

base="${FLAGZ_KUBE_ASSETS:-${XDG_CACHE_HOME:-$HOME/.cache}/flagz/kube-assets}"
mkdir -p -- "$base"
base=$(cd -- "$base" && pwd -P)
dest="$base/$version"

complete() { [[ -f "$1/kube-apiserver" && -x "$1/kube-apiserver" && -f "$1/etcd" && -x "$1/etcd" ]]; }

if complete "$dest"; then
	printf '%s\n' "$dest"
	exit 0
fi

# Serialise concurrent builds (e.g. parallel test packages) when flock exists.
if command -v flock >/dev/null 2>&1; then
	exec 9>"$base/.lock"
	flock 9
	# Holding the lock, no other build runs: drop leftovers of killed ones.
	rm -rf -- "$base"/.build-*
	if complete "$dest"; then
		printf '%s\n' "$dest"
		exit 0
	fi
fi

command -v go >/dev/null 2>&1 || die "go is not on PATH"

tmp=$(mktemp -d "$base/.build-$version.XXXXXX")
build_pid=
cleanup() {
	if [[ -n "$build_pid" ]]; then
		kill -TERM "$build_pid" 2>/dev/null || true
		wait "$build_pid" 2>/dev/null || true
	fi
	rm -rf -- "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "building kube-apiserver and etcd $version into $dest (about 5 minutes when cold)"
start=$SECONDS
IFS=. read -r major minor _ <<<"${version#v}"
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$version"
ldflags+=" -X k8s.io/component-base/version.gitMajor=$major"
ldflags+=" -X k8s.io/component-base/version.gitMinor=$minor"
ldflags+=" -X k8s.io/component-base/version.gitTreeState=clean"

# Run go in the background and wait, so INT/TERM reach the traps at once
# (bash defers traps while a foreground child runs) and cleanup stops go.
GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=mod \
	go -C "$tools_dir" build -o "$tmp/" -ldflags "$ldflags" \
	k8s.io/kubernetes/cmd/kube-apiserver go.etcd.io/etcd/server/v3 >&2 &
build_pid=$!
wait "$build_pid"
build_pid=

# go build names the go.etcd.io/etcd/server/v3 binary "server".
mv -- "$tmp/server" "$tmp/etcd"
complete "$tmp" || die "build did not produce kube-apiserver and etcd in $tmp"
chmod 0755 "$tmp" # mktemp -d makes it 0700

# A leftover incomplete directory (e.g. a binary deleted by hand) is replaced.
if [[ -e "$dest" ]]; then
	rm -rf -- "$dest"
fi
mv -T -- "$tmp" "$dest"
trap - EXIT
log "built in $((SECONDS - start)) s"
printf '%s\n' "$dest"
