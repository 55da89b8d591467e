#!/usr/bin/env bash
# compare.sh [BASE] runs BenchmarkPage against this checkout ("flagz") and
# against the flagz of git ref BASE ("base", default: the commit before the
# debug page's paging and history, 467ca29), in one run: the two test
# binaries alternate RUNS times (default 5). It prints the Markdown table of
# benchmarks/README.md, then the raw lines.
#
#	cd benchmarks && ./debugpage/compare.sh
set -euo pipefail
base=${1:-467ca29}
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(git -C "$here" rev-parse --show-toplevel)
tmp=$(mktemp -d)
cleanup() {
	git -C "$root" worktree remove --force "$tmp/base" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
git -C "$root" worktree add --detach "$tmp/base" "$base" >/dev/null 2>&1
cd "$here"
sed "s#^replace github.com/flagz-go/flagz => ../\$#replace github.com/flagz-go/flagz => $tmp/base#" go.mod >"$tmp/base.mod"
cp go.sum "$tmp/base.sum"
go test -c -o "$tmp/flagz.test" ./debugpage/
go test -modfile="$tmp/base.mod" -c -o "$tmp/base.test" ./debugpage/
for _ in $(seq "${RUNS:-5}"); do
	for impl in base flagz; do
		"$tmp/$impl.test" -test.run '^$' -test.bench . -test.benchtime "${BENCHTIME:-20x}" |
			sed -E "s#^(BenchmarkPage/[^ ]+)-([0-9]+)#\\1/$impl-\\2#"
	done
done | tee "$tmp/raw.txt" | go run ./cmd/benchtable
echo
grep '^Benchmark' "$tmp/raw.txt"
