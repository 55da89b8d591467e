package ofprovider_test

import (
	"context"
	"flag"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/ofprovider"
	"github.com/open-feature/go-sdk/openfeature"
)

// A standard flag set serves flagz's values and the standard package's own.
func TestStandardFlagSet(t *testing.T) {
	fs := flag.NewFlagSet(t.Name(), flag.ContinueOnError)
	flagz.DynString(fs, "mode", "safe", "")
	fs.Bool("verbose", false, "")
	fs.Int("workers", 4, "")
	fs.Uint("shards", 2, "")
	fs.Float64("scale", 1.5, "")
	fs.String("listen", ":8080", "")
	fs.Duration("grace", time.Minute, "")
	if err := fs.Parse([]string{"-verbose", "-shards=3"}); err != nil {
		t.Fatal(err)
	}
	c := serve(t, ofprovider.New(fs))
	ctx := context.Background()
	check := func(name string, got, want any, d openfeature.EvaluationDetails, err error, reason openfeature.Reason) {
		t.Helper()
		if err != nil || got != want || d.Reason != reason {
			t.Errorf("%s: %v (%s), %v; want %v %s", name, got, d.Reason, err, want, reason)
		}
	}
	s, err := c.StringValueDetails(ctx, "mode", "", noCtx())
	check("mode", s.Value, "safe", s.EvaluationDetails, err, openfeature.DefaultReason)
	b, err := c.BooleanValueDetails(ctx, "verbose", false, noCtx())
	check("verbose", b.Value, true, b.EvaluationDetails, err, openfeature.StaticReason)
	i, err := c.IntValueDetails(ctx, "workers", 0, noCtx())
	check("workers", i.Value, int64(4), i.EvaluationDetails, err, openfeature.DefaultReason)
	i, err = c.IntValueDetails(ctx, "shards", 0, noCtx())
	check("shards", i.Value, int64(3), i.EvaluationDetails, err, openfeature.StaticReason)
	x, err := c.FloatValueDetails(ctx, "scale", 0, noCtx())
	check("scale", x.Value, 1.5, x.EvaluationDetails, err, openfeature.DefaultReason)
	s, err = c.StringValueDetails(ctx, "listen", "", noCtx())
	check("listen", s.Value, ":8080", s.EvaluationDetails, err, openfeature.DefaultReason)
	s, err = c.StringValueDetails(ctx, "grace", "", noCtx())
	check("grace", s.Value, "1m0s", s.EvaluationDetails, err, openfeature.DefaultReason)
}
