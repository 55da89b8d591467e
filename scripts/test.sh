#!/usr/bin/env bash
# Runs the tests of every module of the repository under the race detector.
# It is the README's test command, and what .ci/run calls.
#
# Tests that need a real kube-apiserver get one built from the Go module
# proxy and cached (scripts/kube-assets.sh); the first build takes minutes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export GOWORK=off GOTOOLCHAIN=local
export GOFLAGS="${GOFLAGS:--mod=readonly}"

# The modules whose tests start a kube-apiserver; they run last. The build of
# the kube-apiserver (minutes when cold, all compiling) runs meanwhile, in the
# background, beside the other modules' tests, which spend much of their
# time waiting on etcd, NATS and timers.
kube_modules=" ./configmap/informer ./examples "
kube_build=
if [ -d configmap/informer ] && [ -x scripts/kube-assets.sh ] && [ -z "${KUBEBUILDER_ASSETS:-}" ]; then
  kube_out=$(mktemp "${TMPDIR:-/tmp}/flagz-kube-assets.XXXXXX")
  trap 'rm -f -- "$kube_out"' EXIT
  scripts/kube-assets.sh >"$kube_out" &
  kube_build=$!
fi

# kube_assets waits for the background build and exports its directory.
kube_assets() {
  [ -n "$kube_build" ] || return 0
  if ! wait "$kube_build"; then
    echo "scripts/kube-assets.sh failed (above)" >&2
    exit 1
  fi
  kube_build=
  KUBEBUILDER_ASSETS=$(tail -n 1 "$kube_out")
  export KUBEBUILDER_ASSETS
}

tags="${FLAGZ_TEST_TAGS:-}"

# tested_packages lists the packages of the module in $1 that have a test,
# an example or a fuzz target: a package with benchmarks alone is left to
# `go test -bench` (and to `go vet`, which compiles it), so that its -race
# test binary, often a large one (etcd, client-go), is not linked for
# nothing.
tested_packages() {
  go -C "$1" list ${tags:+-tags "$tags"} -f '{{.Dir}} {{.ImportPath}}' ./... |
    while read -r dir pkg; do
      if grep -qsE '^func (Test|Example|Fuzz)' "$dir"/*_test.go; then echo "$pkg"; fi
    done
}

modules=$(find . -name go.mod -not -path './tools/*' -not -path './.cache/*' -exec dirname {} \; | sort)
ordered=()
for mod in $modules; do case "$kube_modules" in *" $mod "*) ;; *) ordered+=("$mod") ;; esac; done
for mod in $modules; do case "$kube_modules" in *" $mod "*) ordered+=("$mod") ;; esac; done

status=0
for mod in "${ordered[@]}"; do
  case "$kube_modules" in *" $mod "*) kube_assets ;; esac
  echo "=== go test -race ${mod}"
  pkgs=$(tested_packages "$mod")
  if [ -z "$pkgs" ]; then
    echo "no tests"
    continue
  fi
  # shellcheck disable=SC2086 # one argument per package
  go -C "$mod" test -race -count=1 -timeout 10m ${tags:+-tags "$tags"} $pkgs || status=1
done
if [ "$status" -ne 0 ]; then
  echo "FAIL: some module's tests failed" >&2
fi
exit "$status"
