#!/usr/bin/env bash
# release-check.sh: try a release of the flagz command before tagging it.
#
# Usage: scripts/release-check.sh [VERSION]   (default v0.0.0-releasecheck)
#
# `go install github.com/flagz-go/flagz/cmd/flagz@latest` works only for a
# module whose go.mod has no replace directives and requires released
# versions of the modules it uses. In this repository cmd/flagz and watcher
# point at the checkout with replace lines (CI runs with GOWORK=off), so a
# release is made in the order below. This script does those steps on a
# copy of HEAD, publishing each module into a GOPROXY directory of its own
# instead of tagging it:
#
#  1. the root module, github.com/flagz-go/flagz, as it is, and
#     watcher/etcdtest (the embedded etcd for tests; it requires no flagz
#     module), as it is;
#  2. watcher: drop its replace line, require the root module at VERSION,
#     go mod tidy; publish;
#  3. cmd/flagz: drop its replace lines, require the root module, watcher
#     and watcher/etcdtest (its tests' etcd) at VERSION, go mod tidy;
#     publish;
#
# then runs `go install github.com/flagz-go/flagz/cmd/flagz@latest` with an
# empty module cache, as a user would, and runs the installed command.
# Modules other than flagz's come from the local module cache (the
# download cache is itself a GOPROXY), falling back to GOPROXY. For a real
# release, steps 2 and 3 are commits, each followed by its tag
# (watcher/VERSION, cmd/flagz/VERSION); step 1 tags VERSION and
# watcher/etcdtest/VERSION.
set -euo pipefail

version=${1:-v0.0.0-releasecheck}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
log() { printf 'release-check: %s\n' "$*" >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/flagz-release.XXXXXX")
cleanup() { chmod -R u+w "$work" 2>/dev/null || true; rm -rf -- "$work"; }
trap cleanup EXIT

export GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=mod GOSUMDB=off
fallback=$(go env GOPROXY)
cache=$(go env GOMODCACHE)
export GOPROXY="file://$work/proxy,file://$cache/cache/download,$fallback"
export GOMODCACHE="$work/modcache"
publish() { go -C "$root/tools/releasecheck" run . -proxy "$work/proxy" -version "$version" "$@"; }

log "copy of HEAD ($(git -C "$root" rev-parse --short HEAD)) at $version"
mkdir -p "$work/src"
git -C "$root" archive HEAD | tar -x -C "$work/src"
src=$work/src

publish "$src" "$src/watcher/etcdtest"
(cd "$src/watcher" &&
	go mod edit -dropreplace=github.com/flagz-go/flagz -require="github.com/flagz-go/flagz@$version" &&
	go mod tidy)
publish "$src/watcher"
(cd "$src/cmd/flagz" &&
	go mod edit -dropreplace=github.com/flagz-go/flagz -dropreplace=github.com/flagz-go/flagz/watcher \
		-dropreplace=github.com/flagz-go/flagz/watcher/etcdtest \
		-require="github.com/flagz-go/flagz@$version" -require="github.com/flagz-go/flagz/watcher@$version" \
		-require="github.com/flagz-go/flagz/watcher/etcdtest@$version" &&
	go mod tidy)
publish "$src/cmd/flagz"

log "go install github.com/flagz-go/flagz/cmd/flagz@latest, empty module cache"
(cd "$work" && GOFLAGS= GOMODCACHE="$work/modcache-user" GOBIN="$work/bin" go install github.com/flagz-go/flagz/cmd/flagz@latest)
"$work/bin/flagz" --help >"$work/help.txt" 2>&1 || true
grep -q 'set NAME VALUE' "$work/help.txt" || { log "error: the installed flagz printed no usage:"; cat "$work/help.txt" >&2; exit 1; }
got=$(go version -m "$work/bin/flagz" | awk '$1 == "mod" { print $2 "@" $3 }')
[ "$got" = "github.com/flagz-go/flagz/cmd/flagz@$version" ] || { log "error: installed $got, want cmd/flagz@$version"; exit 1; }
log "ok: $got"
