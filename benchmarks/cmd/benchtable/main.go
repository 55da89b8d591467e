// Command benchtable turns `go test -bench` output into the Markdown tables
// of benchmarks/README.md: for each case, the median ns/op of every
// implementation over the runs, its allocations, and flagz's ratio to each
// peer measured in the same run.
//
//	go test -run '^$' -bench . -count 5 ./values/ | go run ./cmd/benchtable
//
// Benchmark names must end in /<case>/<implementation>, as in
// BenchmarkGet/int64/flagz; "flagz" is compared with every other
// implementation of the same case.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// line matches "BenchmarkGet/int64/flagz-2  123  0.5 ns/op  0 B/op  0 allocs/op".
var line = regexp.MustCompile(`^(Benchmark\S+)/([^/\s]+)-\d+\s+\d+\s+([\d.]+) ns/op(?:\s+[\d.]+ B/op\s+(\d+) allocs/op)?`)

type result struct {
	ns     []float64
	allocs string
}

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	results := map[string]map[string]*result{} // case -> implementation -> runs
	var cases, impls []string
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		name, impl := m[1], m[2]
		ns, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			return err
		}
		if results[name] == nil {
			results[name] = map[string]*result{}
			cases = append(cases, name)
		}
		r := results[name][impl]
		if r == nil {
			r = &result{}
			results[name][impl] = r
			if !slices.Contains(impls, impl) {
				impls = append(impls, impl)
			}
		}
		r.ns, r.allocs = append(r.ns, ns), m[4]
	}
	if err := sc.Err(); err != nil {
		return err
	}
	peers := slices.DeleteFunc(slices.Clone(impls), func(s string) bool { return s == "flagz" })

	header := []string{"case"}
	for _, impl := range impls {
		header = append(header, impl+" ns/op")
	}
	header = append(header, "flagz allocs")
	for _, p := range peers {
		header = append(header, "flagz / "+p)
	}
	fmt.Fprintln(out, "| "+strings.Join(header, " | ")+" |")
	fmt.Fprintln(out, "|"+strings.Repeat("---|", len(header)))
	for _, c := range cases {
		row := []string{strings.TrimPrefix(c, "Benchmark")}
		for _, impl := range impls {
			row = append(row, cell(results[c][impl], func(r *result) string { return fmt.Sprintf("%.3g", median(r.ns)) }))
		}
		row = append(row, cell(results[c]["flagz"], func(r *result) string { return r.allocs }))
		for _, p := range peers {
			z, peer := results[c]["flagz"], results[c][p]
			if z == nil || peer == nil {
				row = append(row, "")
				continue
			}
			row = append(row, fmt.Sprintf("%.2f×", median(z.ns)/median(peer.ns)))
		}
		fmt.Fprintln(out, "| "+strings.Join(row, " | ")+" |")
	}
	return nil
}

func cell(r *result, f func(*result) string) string {
	if r == nil {
		return ""
	}
	return f(r)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
