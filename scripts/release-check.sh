#!/usr/bin/env bash
# release-check.sh: try a release of every published module before tagging
# it, and print the tags to push, in order (docs/releasing.md).
#
# Usage: scripts/release-check.sh [VERSION]   (default v0.0.0-releasecheck)
#
# A module users import must require only versions they can fetch: in this
# repository the nested modules require the others at a placeholder version
# that only their replace lines resolve (CI runs with GOWORK=off), and
# `go install github.com/flagz-go/flagz/cmd/flagz@latest` refuses a module
# with replace lines at all. So a release goes in steps, in the order the
# modules' requirements give (scripts/published-modules.txt lists them;
# tools/releasecheck -plan orders them): each step's modules require the
# versions the earlier steps tagged.
#
# On a copy of HEAD, this script
#  1. checks gofmt and that every published module builds as it is
#     (GOWORK=off);
#  2. does each step as a release would, publishing into a GOPROXY
#     directory of its own instead of tagging: in each module, drops the
#     replace lines of the repository's modules, requires them at VERSION,
#     go mod tidy, publish;
#  3. in a module outside the repository, without any replace line, requires
#     every published module at VERSION and imports every public package:
#     go mod tidy and go build must pass, so every module requires only
#     versions a user can fetch;
#  4. runs `go install github.com/flagz-go/flagz/cmd/flagz@latest` with an
#     empty module cache, as a user would, and runs the installed command;
#  5. prints the tags to push, step by step.
#
# Modules other than flagz's come from the local module cache (the download
# cache is itself a GOPROXY), falling back to GOPROXY.
set -euo pipefail

version=${1:-v0.0.0-releasecheck}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
log() { printf 'release-check: [%ss] %s\n' "$SECONDS" "$*" >&2; }
die() { log "error: $*"; exit 1; }

mapfile -t published < <(grep -v -e '^#' -e '^[[:space:]]*$' "$root/scripts/published-modules.txt")

work=$(mktemp -d "${TMPDIR:-/tmp}/flagz-release.XXXXXX")
cleanup() { chmod -R u+w "$work" 2>/dev/null || true; rm -rf -- "$work"; }
trap cleanup EXIT

export GOWORK=off GOTOOLCHAIN=local
plan=$(GOFLAGS=-mod=readonly go -C "$root/tools/releasecheck" run . -plan "$root" -version "$version" "${published[@]}") ||
	die "the published modules cannot be released in any order (above)"

log "gofmt and go build of ${published[*]} as they are"
for dir in "${published[@]}"; do
	unformatted=$(cd "$root/$dir" && gofmt -l $(GOFLAGS=-mod=readonly go list -f '{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}} {{end}}{{range .TestGoFiles}}{{$d}}/{{.}} {{end}}' ./...))
	[ -z "$unformatted" ] || die "gofmt would change: $unformatted"
	# -race: .ci/run's go vet -race compiled these packages, with these
	# requirements, so the build reuses them instead of compiling all again.
	GOFLAGS=-mod=readonly go -C "$root/$dir" build -race ./...
done

export GOFLAGS=-mod=mod GOSUMDB=off
fallback=$(go env GOPROXY)
cache=$(go env GOMODCACHE)
export GOPROXY="file://$work/proxy,file://$cache/cache/download,$fallback"
export GOMODCACHE="$work/modcache"
publish() { go -C "$root/tools/releasecheck" run . -proxy "$work/proxy" -version "$version" "$@" >/dev/null; }

log "copy of HEAD ($(git -C "$root" rev-parse --short HEAD)) released as $version"
mkdir -p "$work/src"
git -C "$root" archive HEAD | tar -x -C "$work/src"
src=$work/src

steps=$(printf '%s\n' "$plan" | awk '{ print $1 }' | sort -un)
for step in $steps; do
	while read -r n dir path tag requires; do
		[ "$n" = "$step" ] || continue
		if [ "$requires" != - ]; then
			edits=()
			for r in ${requires//,/ }; do edits+=(-dropreplace="$r" -require="$r@$version"); done
			(cd "$src/$dir" && go mod edit "${edits[@]}" && go mod tidy)
		fi
		log "step $step: $path@$version"
		publish "$src/$dir"
	done <<<"$plan"
done

log "a module outside the repository requires every published module at $version, without replace lines"
consumer=$work/consumer
mkdir -p "$consumer"
go_version=$(awk '$1 == "go" { print $2; exit }' "$root/go.mod")
printf 'module example.com/releaseconsumer\n\ngo %s\n' "$go_version" >"$consumer/go.mod"
imports=()
while read -r n dir path tag requires; do
	(cd "$consumer" && go mod edit -require="$path@$version")
	while read -r name pkg; do
		case "$pkg" in */internal/* | */internal) continue ;; esac
		[ "$name" = main ] || imports+=("$pkg")
	done < <(GOFLAGS=-mod=readonly GOPROXY=off GOMODCACHE="$cache" go -C "$root/$dir" list -f '{{.Name}} {{.ImportPath}}' ./...)
done <<<"$plan"
{
	printf '// Command releaseconsumer imports every public package of the released flagz modules.\npackage main\n\nimport (\n'
	printf '\t_ "%s"\n' "${imports[@]}"
	printf ')\n\nfunc main() {}\n'
} >"$consumer/main.go"
# Tidy fetches every module the graph needs (a version no proxy serves fails
# it); listing the packages loads them all. Building them adds nothing: the
# same code built in the checkout above.
(cd "$consumer" && go mod tidy && go list -deps ./... >/dev/null)
grep -q replace "$consumer/go.mod" && die "the consumer's go.mod has a replace line"

log "go install github.com/flagz-go/flagz/cmd/flagz@latest, empty module cache"
(cd "$work" && GOFLAGS= GOMODCACHE="$work/modcache-user" GOBIN="$work/bin" go install github.com/flagz-go/flagz/cmd/flagz@latest)
"$work/bin/flagz" --help >"$work/help.txt" 2>&1 || true
grep -q 'set NAME VALUE' "$work/help.txt" || { log "error: the installed flagz printed no usage:"; cat "$work/help.txt" >&2; exit 1; }
got=$(go version -m "$work/bin/flagz" | awk '$1 == "mod" { print $2 "@" $3 }')
[ "$got" = "github.com/flagz-go/flagz/cmd/flagz@$version" ] || die "installed $got, want cmd/flagz@$version"
log "ok: $got"

# The tags, step by step: what docs/releasing.md does with them.
echo "To release $version, push these tags in this order (docs/releasing.md):"
for step in $steps; do
	tags=() edited=()
	while read -r n dir path tag requires; do
		[ "$n" = "$step" ] || continue
		tags+=("$tag")
		[ "$requires" = - ] || edited+=("$dir/go.mod")
	done <<<"$plan"
	if [ "${#edited[@]}" -gt 0 ]; then
		echo "  step $step: commit ${edited[*]} requiring the modules of the steps before at $version (no replace lines: scripts/release-check.sh shows the edits), then tag: ${tags[*]}"
	else
		echo "  step $step: tag the commit to release: ${tags[*]}"
	fi
done
