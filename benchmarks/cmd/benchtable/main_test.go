package main

import (
	"strings"
	"testing"
)

func TestTableHasMediansAndRatios(t *testing.T) {
	in := `goos: linux
BenchmarkGet/int64/flagz-2   100  1.0 ns/op  0 B/op  0 allocs/op
BenchmarkGet/int64/flagz-2   100  9.0 ns/op  0 B/op  0 allocs/op
BenchmarkGet/int64/flagz-2   100  2.0 ns/op  0 B/op  0 allocs/op
BenchmarkGet/int64/dflag-2   100  4.0 ns/op  0 B/op  0 allocs/op
BenchmarkGet/int64/dflag-2   100  4.0 ns/op  0 B/op  0 allocs/op
BenchmarkGet/int64/dflag-2   100  4.0 ns/op  0 B/op  0 allocs/op
PASS
`
	var out strings.Builder
	if err := run(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	want := "| Get/int64 | 2 | 4 | 0 | 0.50× |"
	if !strings.Contains(out.String(), want) {
		t.Errorf("table:\n%s\nwant a row %q (median 2 against 4)", out.String(), want)
	}
}
