package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunPairsTheRounds(t *testing.T) {
	dir := t.TempDir()
	base := "goos: linux\nBenchmarkA-2 10 100 ns/op 8 B/op\nBenchmarkA-2 10 300 ns/op 8 B/op\nBenchmarkB-2 1 0 ns/op 4.0 p99-µs\n"
	head := "BenchmarkA-2 10 50 ns/op 8 B/op\nBenchmarkA-2 10 270 ns/op 16 B/op\nBenchmarkB-2 1 0 ns/op 2.0 p99-µs\n"
	for name, text := range map[string]string{"base": base, "head": head} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var out strings.Builder
	if err := run(filepath.Join(dir, "base"), filepath.Join(dir, "head"), &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| A-2 | ns/op | 200 | 160 | 0.70× | 0.50–0.90 | 0.50× | 2 |", // ratios 0.5 and 0.9, not 160/200
		"| A-2 | B/op | 8 | 12 | 1.50× | 1.00–2.00 | 1.00× | 2 |",
		"| B-2 | ns/op | 0 | 0 |  |  |  | 1 |",
		"| B-2 | p99-µs | 4 | 2 | 0.50× | 0.50–0.50 | 0.50× | 1 |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
