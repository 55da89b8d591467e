package ofprovider_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/ofprovider"
	"github.com/flagz-go/flagz/record"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/spf13/pflag"
)

// One batch is one PROVIDER_CONFIGURATION_CHANGED naming what it changed;
// a resync of 1,000 flags is one event too. DEGRADED makes the provider
// STALE (still answering with the last good values), SERVING READY again.
func TestEventsFromSourceBatchesAndStates(t *testing.T) {
	f := newFixture(t)
	big := make(map[string]string)
	for i := range 1000 {
		name := fmt.Sprintf("bulk-%04d", i)
		flagz.DynInt64(f.fs, name, 0, "")
		big[name] = "1"
	}
	c := serve(t, ofprovider.New(f.fs))
	r := recordEvents(t, c)
	ctx := context.Background()

	f.src.Update(2, map[string]string{"limit": "20", "on": "true", "ratio": "nope"})
	at := r.waitFor(t, 0, openfeature.ProviderConfigChange, "the change of limit and on", nil)
	if got := r.snapshot()[at].Details.FlagChanges; !slices.Equal(got, []string{"limit", "on"}) {
		t.Errorf("FlagChanges %v, want [limit on] (ratio was refused)", got)
	}

	f.src.Update(3, big)
	at = r.waitFor(t, at+1, openfeature.ProviderConfigChange, "the change of 1,000 flags", nil)
	if n := len(r.snapshot()[at].Details.FlagChanges); n != 1000 {
		t.Errorf("FlagChanges names %d flags, want 1000", n)
	}
	if n := r.count(openfeature.ProviderConfigChange); n != 2 {
		t.Errorf("%d PROVIDER_CONFIGURATION_CHANGED events, want 2 (one per batch)", n)
	}

	f.src.SetState(record.StateDegraded, errors.New("cut off"))
	at = r.waitFor(t, 0, openfeature.ProviderStale, "STALE while the source is DEGRADED", nil)
	if c.State() != openfeature.StaleState {
		t.Errorf("client state %s, want STALE", c.State())
	}
	if v, err := c.IntValue(ctx, "limit", 0, noCtx()); err != nil || v != 20 {
		t.Errorf("while STALE: limit %d, %v; want the last good 20", v, err)
	}
	f.src.SetState(record.StateServing, nil)
	r.waitFor(t, at+1, openfeature.ProviderReady, "READY once the source serves again", nil)
	if c.State() != openfeature.ReadyState {
		t.Errorf("client state %s, want READY", c.State())
	}
	if n := r.count(openfeature.ProviderStale); n != 1 {
		t.Errorf("%d STALE events, want 1", n)
	}
}

// Before the sources load, the client answers PROVIDER_NOT_READY; Init
// gives up when its context ends, and the provider reports READY once the
// sources load after all.
func TestNotReadyUntilTheSourcesLoad(t *testing.T) {
	fs := pflag.NewFlagSet(t.Name(), pflag.ContinueOnError)
	flagz.DynInt64(fs, "limit", 10, "")
	src := flagz.EngineFor(fs).Source("slow", quiet) // CONNECTING, nothing loaded
	p := ofprovider.New(fs)
	t.Cleanup(p.Shutdown)

	c := openfeature.NewClient(t.Name())
	r := recordEvents(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	if err := openfeature.SetNamedProviderWithContext(ctx, t.Name(), p); err != nil {
		t.Fatal(err)
	}
	d, err := c.IntValueDetails(context.Background(), "limit", 7, noCtx())
	if err == nil || d.ErrorCode != openfeature.ProviderNotReadyCode || d.Value != 7 {
		t.Errorf("before the sources loaded: %+v, %v; want PROVIDER_NOT_READY and the default", d, err)
	}
	cancel()
	r.waitFor(t, 0, openfeature.ProviderError, "PROVIDER_ERROR from the failed Init", nil)

	src.Load(5, map[string]string{"limit": "12"})
	r.waitFor(t, 0, openfeature.ProviderReady, "READY once the source loaded", nil)
	if v, err := c.IntValue(context.Background(), "limit", 7, noCtx()); err != nil || v != 12 {
		t.Errorf("after the load: %d, %v; want 12", v, err)
	}
}

// Init waits for a source still loading and returns once it loaded.
func TestInitWaitsForTheSources(t *testing.T) {
	fs := pflag.NewFlagSet(t.Name(), pflag.ContinueOnError)
	limit := flagz.DynInt64(fs, "limit", 10, "")
	src := flagz.EngineFor(fs).Source("later", quiet)
	p := ofprovider.New(fs)
	t.Cleanup(p.Shutdown)
	done := make(chan error, 1)
	go func() { done <- p.InitWithContext(context.Background(), openfeature.EvaluationContext{}) }()
	src.Load(1, map[string]string{"limit": "30"})
	if err := <-done; err != nil {
		t.Fatalf("Init: %v", err)
	}
	if limit.Get() != 30 {
		t.Errorf("limit %d after Init, want 30", limit.Get())
	}

	// A second source that never loads: Init gives up with its context.
	flagz.EngineFor(fs).Source("never", quiet)
	p.Shutdown()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.InitWithContext(ctx, openfeature.EvaluationContext{}); !errors.Is(err, ofprovider.ErrNotLoaded) ||
		!errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "never") {
		t.Errorf("Init: %v, want ErrNotLoaded naming the source, and the context's error", err)
	}
}

// Shutdown stops the events; the provider can be initialised again.
func TestShutdownStopsEvents(t *testing.T) {
	f := newFixture(t)
	p := ofprovider.New(f.fs)
	if err := p.InitWithContext(context.Background(), openfeature.EvaluationContext{}); err != nil {
		t.Fatal(err)
	}
	f.src.Update(2, map[string]string{"limit": "11"})
	select {
	case ev := <-p.EventChannel():
		if ev.EventType != openfeature.ProviderConfigChange {
			t.Errorf("event %+v, want a configuration change", ev)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no event for the change")
	}
	p.Shutdown()
	p.Shutdown() // idempotent
	f.src.Update(3, map[string]string{"limit": "12"})
	f.src.SetState(record.StateDegraded, errors.New("down"))
	// The events are published synchronously to the subscribers; the
	// provider no longer is one, so nothing can be queued after this.
	select {
	case ev := <-p.EventChannel():
		t.Errorf("event after Shutdown: %+v", ev)
	default:
	}
	f.src.SetState(record.StateServing, nil)
	if err := p.InitWithContext(context.Background(), openfeature.EvaluationContext{}); err != nil {
		t.Fatal(err)
	}
	f.src.Update(4, map[string]string{"limit": "13"})
	select {
	case ev := <-p.EventChannel():
		if !slices.Equal(ev.FlagChanges, []string{"limit"}) {
			t.Errorf("event after the second Init: %+v", ev)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no event after the second Init")
	}
	p.Shutdown()
}

// Evaluations through the client run concurrently with a source changing
// the flags (run under -race): every answer is a value the flag held.
func TestConcurrentEvaluationWithChanges(t *testing.T) {
	f := newFixture(t)
	c := serve(t, ofprovider.New(f.fs))
	ctx := context.Background()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				v, err := c.IntValue(ctx, "limit", -1, noCtx())
				if err != nil || v < 10 || v > 1000 {
					t.Errorf("limit %d, %v", v, err)
					return
				}
				if _, err := c.ObjectValue(ctx, "hosts", nil, noCtx()); err != nil {
					t.Errorf("hosts: %v", err)
					return
				}
				if _, err := c.BooleanValue(ctx, "checkout", false, openfeature.NewEvaluationContext("k", nil)); err != nil {
					t.Errorf("checkout: %v", err)
					return
				}
				if _, err := c.IntValue(ctx, "workers", 0, noCtx()); err != nil {
					t.Errorf("workers: %v", err)
					return
				}
			}
		})
	}
	for i := range 300 {
		f.src.Update(int64(i+2), map[string]string{
			"limit": fmt.Sprint(10 + i), "hosts": fmt.Sprintf("h%d", i), "checkout": fmt.Sprintf("%d%%", i%100)})
	}
	wait.Until(t, 30*time.Second, "limit = 309 through the client", func() bool {
		v, _ := c.IntValue(ctx, "limit", -1, noCtx())
		return v == 309
	})
	close(stop)
	wg.Wait()
}

// Shutdown returns even when nobody reads the events and the channel is
// full: the provider's pending send gives up.
func TestShutdownWithNobodyReading(t *testing.T) {
	f := newFixture(t)
	p := ofprovider.New(f.fs)
	if err := p.InitWithContext(context.Background(), openfeature.EvaluationContext{}); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		f.src.Update(int64(i+2), map[string]string{"limit": fmt.Sprint(100 + i)})
	}
	wait.Until(t, 30*time.Second, "the event channel full", func() bool { return len(p.EventChannel()) == cap(p.EventChannel()) })
	p.Shutdown()
}

// A source already DEGRADED when Init ends: READY from the SDK, then
// STALE; READY again once it serves.
func TestInitWithADegradedSource(t *testing.T) {
	f := newFixture(t)
	f.src.SetState(record.StateDegraded, errors.New("cut off"))
	c := openfeature.NewClient(t.Name())
	r := recordEvents(t, c)
	serve(t, ofprovider.New(f.fs))
	at := r.waitFor(t, 0, openfeature.ProviderStale, "STALE after Init", func(d openfeature.EventDetails) bool {
		return strings.Contains(d.Message, "test (cut off)")
	})
	f.src.SetState(record.StateServing, nil)
	r.waitFor(t, at+1, openfeature.ProviderReady, "READY once the source serves", nil)
}
