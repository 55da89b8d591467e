package ofprovider_test

import (
	"context"
	"slices"
	"testing"

	"github.com/flagz-go/flagz/ofprovider"
	"github.com/open-feature/go-sdk/openfeature"
)

// A value set by calling its Set directly (from code, or through the flag
// set) changes what the client is told as a source's batch does: one
// PROVIDER_CONFIGURATION_CHANGED naming the flag, and the new value served.
func TestDirectSetIsAConfigurationChange(t *testing.T) {
	f := newFixture(t)
	c := serve(t, ofprovider.New(f.fs))
	r := recordEvents(t, c)
	names := func(want ...string) func(openfeature.EventDetails) bool {
		return func(d openfeature.EventDetails) bool { return slices.Equal(d.FlagChanges, want) }
	}

	if err := f.limit.Set("42"); err != nil {
		t.Fatal(err)
	}
	at := r.waitFor(t, 0, openfeature.ProviderConfigChange, "the change of limit by its Set", names("limit"))
	if v, err := c.IntValue(context.Background(), "limit", 0, noCtx()); err != nil || v != 42 {
		t.Errorf("limit %d, %v after its Set; want 42", v, err)
	}

	if err := f.fs.Set("on", "true"); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, at+1, openfeature.ProviderConfigChange, "the change of on through the flag set", names("on"))
	if v, err := c.BooleanValue(context.Background(), "on", false, noCtx()); err != nil || !v {
		t.Errorf("on %v, %v after the flag set's Set; want true", v, err)
	}
}
