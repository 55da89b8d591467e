package debugpage

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/record"
	"github.com/spf13/pflag"
)

const flags = 10_000

// bigPage declares 10,000 dynamic flags (one in ten a JSON value) and a
// few static ones; a source loaded values for 1,000 of them and changed
// 100 of those twice more, so the page has histories to show.
func bigPage(b *testing.B) http.Handler {
	b.Helper()
	fs := pflag.NewFlagSet("big", pflag.ContinueOnError)
	for i := range flags {
		name := fmt.Sprintf("flag_%05d", i)
		if i%10 == 0 {
			flagz.DynJSON(fs, name, &map[string]int{"a": 1, "b": 2}, "a JSON flag")
		} else {
			flagz.DynInt64(fs, name, int64(i), "a dynamic flag")
		}
	}
	for i := range 10 {
		fs.String(fmt.Sprintf("static_%d", i), "x", "a static flag")
	}
	logger := slog.New(slog.DiscardHandler)
	src := flagz.EngineFor(fs).Source("etcd", logger)
	text := func(i, v int) string {
		if i%10 == 0 {
			return fmt.Sprintf(`{"a":%d,"b":2}`, v)
		}
		return fmt.Sprint(v)
	}
	values := map[string]string{}
	for i := range 1000 {
		values[fmt.Sprintf("flag_%05d", i)] = text(i, i+1)
	}
	src.Load(1, values)
	for rev := range 2 {
		up := map[string]string{}
		for i := range 100 {
			up[fmt.Sprintf("flag_%05d", i)] = text(i, i+rev+5)
		}
		src.Update(int64(rev+2), up)
	}
	src.SetState(record.StateServing, nil)
	return debug.NewHandler(fs, debug.WithLogger(logger))
}

// BenchmarkPage serves one request of each kind. With the page before
// paging, html_default and html_all are the same page, and json_q lists
// every flag (the q parameter was unknown).
func BenchmarkPage(b *testing.B) {
	h := bigPage(b)
	cases := []struct{ name, query, accept string }{
		{"json_all", "?format=json", ""},
		{"html_default", "", "text/html"},
		{"html_all", "?limit=0", "text/html"},
		{"json_q", "?format=json&q=flag_0999", ""},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/debug/flagz"+c.query, nil)
			if c.accept != "" {
				req.Header.Set("Accept", c.accept)
			}
			b.ReportAllocs()
			for b.Loop() {
				w := &discard{header: http.Header{}}
				h.ServeHTTP(w, req)
				if w.status != 0 && w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
			}
		})
	}
}

// discard is a ResponseWriter that counts the body and keeps nothing.
type discard struct {
	header http.Header
	status int
	n      int
}

func (d *discard) Header() http.Header { return d.header }
func (d *discard) WriteHeader(s int)   { d.status = s }
func (d *discard) Write(p []byte) (int, error) {
	d.n += len(p)
	return len(p), nil
}

var _ io.Writer = (*discard)(nil)
