package demo

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// The demo turns unhealthy once its rate limiter refuses more requests
// than the threshold, and says why.
func TestHealthFollowsRefusals(t *testing.T) {
	fs := pflag.NewFlagSet("demo", pflag.ContinueOnError)
	f := DeclareFlags(fs)
	if err := fs.Set(FlagRateLimit, "1"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewService(f, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	check := Health(3)
	if err := check(context.Background()); err != nil {
		t.Fatalf("before any request: %v", err)
	}
	codes := map[int]int{}
	for range 6 {
		resp, err := http.Get(srv.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes[resp.StatusCode]++
	}
	err := check(context.Background())
	if codes[http.StatusTooManyRequests] <= 3 {
		t.Fatalf("answers %v: want more than 3 refused at rate_limit 1", codes)
	}
	if err == nil || !strings.Contains(err.Error(), "rate limiter refused") {
		t.Errorf("after %d refusals: %v, want unhealthy", codes[http.StatusTooManyRequests], err)
	}
	if Health(0)(context.Background()) != nil {
		t.Error("max 0 is not always healthy")
	}
}
