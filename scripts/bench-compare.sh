#!/usr/bin/env bash
# bench-compare.sh BASE [HEAD] runs the benchmarks that guard the engine's
# paths (benchmarks/values, scrape and etcd) at two commits in one session,
# the two test binaries alternating (the order swapped every round), and
# prints benchstat's comparison, then a table of the ratios HEAD / BASE
# (benchmarks/cmd/benchratio: the median of the ratios of each round's
# pair, their range, and the ratio of the best figures). HEAD defaults to
# this checkout as it is (uncommitted changes included).
#
# Both sides run HEAD's benchmark code: it is copied into a worktree of BASE;
# where it does not compile there, port() undoes the API renames it knows.
# The raw results stay in $OUT (default: a temporary directory, printed).
#
#	scripts/bench-compare.sh 97730f1
#	ROUNDS=8 OUT=/tmp/cmp scripts/bench-compare.sh 97730f1 main
#
# ROUNDS (default 6) is the number of rounds; BENCHES replaces the list
# below, one "package regexp benchtime" a line. Needs benchstat
# (go install golang.org/x/perf/cmd/benchstat@latest).
set -euo pipefail
base=$1
head=${2:-}
root=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
out=${OUT:-$tmp}
mkdir -p "$out"
benches=${BENCHES:-"values ^BenchmarkGet$ 200ms
values ^BenchmarkGet8$ 200ms
values ^BenchmarkGetParallel$ 200ms
values ^BenchmarkSet$ 200ms
values ^BenchmarkChecksum$ 200ms
scrape ^BenchmarkCollect(Floor)?$ 1s
scrape ^BenchmarkApplyWhileScraping$ 3000x
etcd ^BenchmarkPutToVisible$ 3000x
etcd ^BenchmarkFullResync$ 10x"}
pkgs="values scrape etcd"

cleanup() {
	for w in base head; do
		[ -d "$tmp/$w" ] && git -C "$root" worktree remove --force "$tmp/$w" >/dev/null 2>&1 || true
	done
	[ "$out" = "$tmp" ] || rm -rf "$tmp"
}
trap cleanup EXIT

# port undoes, in BASE's copy of the benchmarks, what issue 24 renamed, and
# drops the cases of features BASE does not have.
port() {
	sed -i 's#Source("etcd", slog.New(slog.DiscardHandler))#Source("etcd", flagz.WithLogger(slog.New(slog.DiscardHandler)))#' scrape/*_test.go
	sed -i '/zJSONOfU/d' values/*_test.go
	rm -f values/limit_test.go
}

git -C "$root" worktree add --detach "$tmp/base" "$base" >/dev/null 2>&1
src=$root
if [ -n "$head" ]; then
	git -C "$root" worktree add --detach "$tmp/head" "$head" >/dev/null 2>&1
	src=$tmp/head
fi
for p in $pkgs internal; do
	rm -rf "$tmp/base/benchmarks/$p"
	cp -r "$src/benchmarks/$p" "$tmp/base/benchmarks/$p"
done
export GOWORK=off GOFLAGS=-mod=readonly
for p in $pkgs; do
	go -C "$src/benchmarks" test -c -o "$tmp/head-$p.test" "./$p/"
	if ! go -C "$tmp/base/benchmarks" vet "./$p/" >/dev/null 2>&1; then
		(cd "$tmp/base/benchmarks" && port)
	fi
	go -C "$tmp/base/benchmarks" test -c -o "$tmp/base-$p.test" "./$p/"
done

: >"$out/base.txt"
: >"$out/head.txt"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/load.txt"
for r in $(seq "${ROUNDS:-6}"); do
	order="base head"
	[ $((r % 2)) -eq 0 ] && order="head base"
	while read -r p re bt; do
		[ -n "$p" ] || continue
		for side in $order; do
			(cd "$src/benchmarks/$p" && "$tmp/$side-$p.test" -test.run '^$' -test.bench "$re" \
				-test.benchtime "$bt" -test.benchmem) >>"$out/$side.txt"
		done
	done <<<"$benches"
	echo "load after round $r: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt"
done

benchstat base="$out/base.txt" head="$out/head.txt" | tee "$out/benchstat.txt"
echo
go -C "$root/benchmarks" run ./cmd/benchratio "$out/base.txt" "$out/head.txt" | tee "$out/ratios.md"
echo "raw results: $out"
