#!/usr/bin/env bash
# consumer-check.sh: use the flagz modules the way a user's module does.
#
# Usage: scripts/consumer-check.sh
#
# Creates a throwaway module outside the repository whose go.mod requires
# every module users import, with `replace` lines for exactly those modules
# (pointing at this checkout) and nothing else, as a user testing a checkout
# would write it. Its main package imports every public package of those
# modules, and every ```go block of README.md and of docs/*.md becomes a
# package of its own. Then `go mod tidy`, `go build ./...` and `go vet ./...`
# must pass: a module that requires one users cannot fetch (an internal
# helper module, a pseudo-version only this repository's `replace` resolves)
# fails the tidy, and a block that does not compile as shown fails the build.
#
# Then a second throwaway module, a service that uses only the etcd watcher,
# requires the watcher module and imports its packages: its module graph
# (`go list -m all`) must hold etcd's client and none of etcd's server
# (go.etcd.io/etcd/server/v3, go.etcd.io/bbolt, go.etcd.io/raft/v3), which
# only the test helper module watcher/etcdtest may bring.
set -euo pipefail


# The modules a service that uses only the etcd watcher requires (the
# watcher's own requirements among this repository's modules), and the
# modules whose packages it imports.
light_modules=(
	.
	watcher
)
light_imports_of=(
	watcher
)
# Modules of etcd's server: none may be in that service's module graph.
server_modules=(
	go.etcd.io/etcd/server/v3
	go.etcd.io/bbolt
	go.etcd.io/raft/v3
)

log() { printf 'consumer-check: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
export GOWORK=off GOTOOLCHAIN=local

# The modules users import (scripts/published-modules.txt).
mapfile -t published_modules < <(grep -v -e '^#' -e '^[[:space:]]*$' "$root/scripts/published-modules.txt")

work=$(mktemp -d "${TMPDIR:-/tmp}/flagz-consumer.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
case "$work/" in "$root"/*) die "the consumer modules must be outside the repository" ;; esac
consumer=$work/all
light=$work/watcher
go_version=$(awk '$1 == "go" { print $2; exit }' "$root/go.mod")

# new_consumer DIR NAME MODULE_DIR... writes DIR/go.mod, module
# example.com/NAME, requiring each module of this repository listed, with a
# replace line pointing at the checkout for each.
new_consumer() {
	local dir=$1 name=$2 mod path
	shift 2
	mkdir -p "$dir"
	printf 'module example.com/%s\n\ngo %s\n' "$name" "$go_version" >"$dir/go.mod"
	for mod in "$@"; do
		[ -f "$root/$mod/go.mod" ] || die "$mod/go.mod does not exist"
		# Listing reads the module as it is in the checkout: never change it.
		path=$(GOFLAGS=-mod=readonly go -C "$root/$mod" list -m)
		(cd "$dir" && go mod edit \
			-require="$path@v0.0.0-00010101000000-000000000000" \
			-replace="$path=$root/$mod")
	done
}

# public_packages MODULE_DIR prints "NAME IMPORT_PATH" for each package of
# the module but its internal ones.
public_packages() {
	GOFLAGS=-mod=readonly go -C "$root/$1" list -f '{{.Name}} {{.ImportPath}}' ./... |
		while read -r name pkg; do
			case "$pkg" in */internal/* | */internal) continue ;; esac
			echo "$name $pkg"
		done
}

# write_main DIR PACKAGE... writes DIR/main.go importing each package.
write_main() {
	local dir=$1
	shift
	{
		printf '// Command %s imports every public package of the flagz modules it requires.\npackage main\n\nimport (\n' "$(basename "$dir")"
		printf '\t_ "%s"\n' "$@"
		printf ')\n\nfunc main() {}\n'
	} >"$dir/main.go"
}

new_consumer "$consumer" flagzconsumer "${published_modules[@]}"
imports=()
tools=()
for dir in "${published_modules[@]}"; do
	while read -r name pkg; do
		if [ "$name" = main ]; then tools+=("$pkg"); else imports+=("$pkg"); fi
	done < <(public_packages "$dir")
done
[ "${#imports[@]}" -gt 0 ] || die "no public package found"
for t in ${tools[@]+"${tools[@]}"}; do (cd "$consumer" && go mod edit -tool="$t"); done
write_main "$consumer" "${imports[@]}"
log "imports ${imports[*]}${tools[*]:+; tools ${tools[*]}}"

# Each ```go block of README.md and docs/*.md, verbatim, as
# blocks/<file>/lineN/main.go; once gofmt has checked it, a line directive
# (kept beside it meanwhile: gofmt moves a directive that precedes a doc
# comment) makes the compiler's messages point at the Markdown file itself.
docs=("$root/README.md")
for f in "$root"/docs/*.md; do [ -e "$f" ] && docs+=("$f"); done
for doc in "${docs[@]}"; do
	name=$(basename "$doc" .md)
	awk -v out="$consumer/blocks/$name" -v doc="$doc" '
		/^```go[[:space:]]*$/ { n = NR + 1; dir = out "/line" n; system("mkdir -p \"" dir "\""); f = dir "/main.go"; printf "//line %s:%d\n", doc, n > (dir "/directive"); close(dir "/directive"); next }
		/^```/ && f != "" { close(f); f = ""; next }
		f != "" { print > f }
	' "$doc"
done
blocks=$(find "$consumer/blocks" -name main.go 2>/dev/null | wc -l)
log "README.md and docs/*.md: $blocks go blocks"

cd "$consumer"
export GOFLAGS=-mod=mod
log "go mod tidy"
go mod tidy
if [ "$blocks" -gt 0 ]; then
	log "gofmt -l blocks"
	unformatted=$(gofmt -l blocks) || die "a go block does not parse (above)"
	[ -z "$unformatted" ] || die "gofmt would change the go block starting at" \
		$(printf '%s\n' "$unformatted" | sed 's|^blocks/\(.*\)/line\([0-9]*\)/main.go$|\1.md:\2|')
	for d in blocks/*/line*; do
		cat "$d/directive" "$d/main.go" >"$d/main.go.new" && mv "$d/main.go.new" "$d/main.go" && rm "$d/directive"
	done
fi
# -race throughout: the packages whose requirements the consumer's graph
# keeps as the modules have them were compiled with -race by .ci/run's go vet
# and are reused, not compiled a second time.
log "go build -race ./...${tools[*]:+ and tool}"
go build -race ./...
if [ "${#tools[@]}" -gt 0 ]; then go build -race -o "$consumer/bin/" tool; fi
log "go vet -race ./..."
go vet -race ./...

log "a service that uses only the watcher: requires ${light_modules[*]}, imports the packages of ${light_imports_of[*]}"
new_consumer "$light" flagzwatcheronly "${light_modules[@]}"
light_imports=()
for dir in "${light_imports_of[@]}"; do
	while read -r name pkg; do
		[ "$name" = main ] || light_imports+=("$pkg")
	done < <(public_packages "$dir")
done
[ "${#light_imports[@]}" -gt 0 ] || die "no public package found in ${light_imports_of[*]}"
write_main "$light" "${light_imports[@]}"
log "imports ${light_imports[*]}"
cd "$light"
go mod tidy
go build -race ./...
graph=$(go list -m all)
log "its module graph: $(printf '%s\n' "$graph" | wc -l) modules"
found=()
for m in "${server_modules[@]}"; do
	while read -r path version; do
		case "$path" in "$m" | "$m"/*) found+=("$path@$version") ;; esac
	done <<<"$graph"
done
if [ "${#found[@]}" -gt 0 ]; then
	die "a service importing only ${light_imports[*]} gets etcd's server in its module graph (go list -m all): ${found[*]};" \
		"the watcher module must require etcd's client, never its server (the embedded server is watcher/etcdtest's, a module of its own)"
fi
printf '%s\n' "$graph" | grep -qx 'go.etcd.io/etcd/client/v3 v.*' ||
	die "a service importing only ${light_imports[*]} has no go.etcd.io/etcd/client/v3 in its module graph: the check looks at the wrong module"
log "ok"
