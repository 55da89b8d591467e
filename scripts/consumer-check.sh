#!/usr/bin/env bash
# consumer-check.sh: use the flagz modules the way a user's module does.
#
# Usage: scripts/consumer-check.sh
#
# Creates a throwaway module outside the repository whose go.mod requires
# every module users import, with `replace` lines for exactly those modules
# (pointing at this checkout) and nothing else, as a user testing a checkout
# would write it. Its main package imports every public package of those
# modules, and every ```go block of README.md becomes a package of its own.
# Then `go mod tidy`, `go build ./...` and `go vet ./...` must pass: a module
# that requires one users cannot fetch (an internal helper module, a
# pseudo-version only this repository's `replace` resolves) fails the tidy,
# and a README block that does not compile as shown fails the build.
set -euo pipefail

# The modules users import, one directory of this repository per line.
published_modules=(
	.
	watcher
	watcher/etcdtest
	configmap/informer
	ofprovider
	cmd/flagz
)

log() { printf 'consumer-check: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
export GOWORK=off GOTOOLCHAIN=local

consumer=$(mktemp -d "${TMPDIR:-/tmp}/flagz-consumer.XXXXXX")
trap 'rm -rf -- "$consumer"' EXIT
case "$consumer/" in "$root"/*) die "the consumer module must be outside the repository" ;; esac

go_version=$(awk '$1 == "go" { print $2; exit }' "$root/go.mod")
{
	printf 'module example.com/flagzconsumer\n\ngo %s\n' "$go_version"
} >"$consumer/go.mod"

imports=()
tools=()
for dir in "${published_modules[@]}"; do
	[ -f "$root/$dir/go.mod" ] || die "$dir/go.mod does not exist"
	# Listing reads the module as it is in the checkout: never change it.
	path=$(GOFLAGS=-mod=readonly go -C "$root/$dir" list -m)
	(cd "$consumer" && go mod edit \
		-require="$path@v0.0.0-00010101000000-000000000000" \
		-replace="$path=$root/$dir")
	while read -r name pkg; do
		case "$pkg" in */internal/* | */internal) continue ;; esac
		if [ "$name" = main ]; then tools+=("$pkg"); else imports+=("$pkg"); fi
	done < <(GOFLAGS=-mod=readonly go -C "$root/$dir" list -f '{{.Name}} {{.ImportPath}}' ./...)
done
[ "${#imports[@]}" -gt 0 ] || die "no public package found"
for t in ${tools[@]+"${tools[@]}"}; do (cd "$consumer" && go mod edit -tool="$t"); done

{
	printf '// Command flagzconsumer imports every public package of the flagz modules.\npackage main\n\nimport (\n'
	printf '\t_ "%s"\n' "${imports[@]}"
	printf ')\n\nfunc main() {}\n'
} >"$consumer/main.go"
log "imports ${imports[*]}${tools[*]:+; tools ${tools[*]}}"

# Each ```go block of README.md, verbatim, as readme/lineN/main.go; a line
# directive makes the compiler's messages point at README.md itself.
awk -v out="$consumer/readme" -v readme="$root/README.md" '
	/^```go[[:space:]]*$/ { n = NR + 1; dir = out "/line" n; system("mkdir -p \"" dir "\""); f = dir "/main.go"; printf "//line %s:%d\n", readme, n > f; next }
	/^```/ && f != "" { close(f); f = ""; next }
	f != "" { print > f }
' "$root/README.md"
blocks=$(find "$consumer/readme" -name main.go 2>/dev/null | wc -l)
log "README.md: $blocks go blocks"

cd "$consumer"
export GOFLAGS=-mod=mod
log "go mod tidy"
go mod tidy
if [ "$blocks" -gt 0 ]; then
	log "gofmt -l readme"
	unformatted=$(gofmt -l readme) || die "a go block of README.md does not parse (above)"
	[ -z "$unformatted" ] || die "gofmt would change the go block starting at" \
		$(printf '%s\n' "$unformatted" | sed 's|^readme/line\([0-9]*\)/main.go$|README.md:\1|')
fi
log "go build ./...${tools[*]:+ and tool}"
go build ./...
if [ "${#tools[@]}" -gt 0 ]; then go build -o "$consumer/bin/" tool; fi
log "go vet ./..."
go vet ./...
log "ok"
