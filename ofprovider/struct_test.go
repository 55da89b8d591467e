package ofprovider_test

import (
	"context"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/ofprovider"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/spf13/pflag"
)

// The fields of a struct (flagz.DynStruct) answer as the typed values of
// their types do.
func TestStructFields(t *testing.T) {
	type limits struct {
		On      bool
		Rate    int32
		Max     uint16
		Ratio   float32
		Mode    string
		Timeout time.Duration
		Hosts   []string
		Secret  string `flagz:"secret,sensitive"`
	}
	fs := pflag.NewFlagSet(t.Name(), pflag.ContinueOnError)
	flagz.DynStruct(fs, "lim", limits{Rate: 5, Max: 7, Ratio: 0.5, Mode: "safe", Timeout: time.Second, Hosts: []string{"a"}}, "")
	src := flagz.EngineFor(fs).Source("test", quiet)
	src.Load(1, map[string]string{"lim.on": "true", "lim.rate": "50"})
	c := serve(t, ofprovider.New(fs))
	ctx := context.Background()

	if v, err := c.BooleanValueDetails(ctx, "lim.on", false, noCtx()); err != nil || !v.Value || v.Reason != openfeature.StaticReason {
		t.Errorf("lim.on: %+v, %v", v, err)
	}
	if v, err := c.IntValueDetails(ctx, "lim.rate", 0, noCtx()); err != nil || v.Value != 50 || v.FlagMetadata["source"] != "test" {
		t.Errorf("lim.rate: %+v, %v", v, err)
	}
	if v, err := c.IntValue(ctx, "lim.max", 0, noCtx()); err != nil || v != 7 {
		t.Errorf("lim.max: %v, %v", v, err)
	}
	if v, err := c.FloatValue(ctx, "lim.ratio", 0, noCtx()); err != nil || v != 0.5 {
		t.Errorf("lim.ratio: %v, %v", v, err)
	}
	if v, err := c.StringValueDetails(ctx, "lim.mode", "", noCtx()); err != nil || v.Value != "safe" || v.Reason != openfeature.DefaultReason {
		t.Errorf("lim.mode: %+v, %v", v, err)
	}
	if v, err := c.StringValue(ctx, "lim.timeout", "", noCtx()); err != nil || v != "1s" {
		t.Errorf("lim.timeout: %v, %v", v, err)
	}
	if v, err := c.ObjectValue(ctx, "lim.hosts", nil, noCtx()); err != nil || len(v.([]any)) != 1 {
		t.Errorf("lim.hosts: %v, %v", v, err)
	}
	if _, err := c.StringValue(ctx, "lim.secret", "", noCtx()); err == nil {
		t.Error("a sensitive field was served")
	}
	if _, err := c.StringValue(ctx, "lim.rate", "", noCtx()); err == nil {
		t.Error("an integer field answered as a string")
	}
}
