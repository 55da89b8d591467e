// Command benchratio compares two files of `go test -bench` output taken in
// one session with the runs alternating (scripts/bench-compare.sh): the
// n-th result of a benchmark in the head file is divided by the n-th in the
// base file, which ran next to it, and the table gives, per benchmark and
// unit, the median of each side, the median and range of these paired
// ratios, and the ratio of the two sides' best (smallest) figures. On a
// shared machine the pairs share its load, so their ratios spread less than
// the two sides' figures do; for CPU-bound code the best figure is the one
// least disturbed by other processes.
//
//	go run ./cmd/benchratio base.txt head.txt
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: benchratio base.txt head.txt")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchratio:", err)
		os.Exit(1)
	}
}

// series are the values of each "benchmark unit" key in file order, and
// the keys in the order first seen.
type series struct {
	keys   []string
	values map[string][]float64
}

func read(path string) (*series, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parse(f)
}

// parse reads lines such as "BenchmarkSet/int64/flagz-2  100  31.0 ns/op
// 16 B/op  1 allocs/op  2.5 p99-µs".
func parse(r io.Reader) (*series, error) {
	s := &series{values: map[string][]float64{}}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q: %w", f[0], f[i], err)
			}
			k := name + " " + f[i+1]
			if _, ok := s.values[k]; !ok {
				s.keys = append(s.keys, k)
			}
			s.values[k] = append(s.values[k], v)
		}
	}
	return s, sc.Err()
}

func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func run(basePath, headPath string, out io.Writer) error {
	base, err := read(basePath)
	if err != nil {
		return err
	}
	head, err := read(headPath)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "| benchmark | unit | base | head | head / base | range | best head / best base | pairs |")
	fmt.Fprintln(out, "|---|---|---|---|---|---|---|---|")
	for _, k := range base.keys {
		b, h := base.values[k], head.values[k]
		n := min(len(b), len(h))
		if n == 0 {
			continue
		}
		name, unit, _ := strings.Cut(k, " ")
		var ratios []float64
		for i := range n {
			if b[i] != 0 {
				ratios = append(ratios, h[i]/b[i])
			}
		}
		cell := func(r []float64) (string, string) {
			if len(r) == 0 {
				return "", ""
			}
			return fmt.Sprintf("%.2f×", median(r)), fmt.Sprintf("%.2f–%.2f", slices.Min(r), slices.Max(r))
		}
		ratio, spread := cell(ratios)
		best := ""
		if m := slices.Min(b[:n]); m != 0 {
			best = fmt.Sprintf("%.2f×", slices.Min(h[:n])/m)
		}
		fmt.Fprintf(out, "| %s | %s | %.4g | %.4g | %s | %s | %s | %d |\n", name, unit, median(b[:n]), median(h[:n]), ratio, spread, best, n)
	}
	return nil
}
