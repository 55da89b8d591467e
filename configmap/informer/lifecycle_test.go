package informer_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/configmap/informer"
	"go.uber.org/goleak"
	"k8s.io/client-go/rest"
)

func TestStopLeavesNoGoroutine(t *testing.T) {
	k := newKube(t)
	f := newFlags()
	k.put("flags", map[string]string{"rate": "10"}, nil)
	client, hc := clientFor(t, server.Config) // its own connections, closed below
	ignore := goleak.IgnoreCurrent()

	inf := informer.New(f.fs, client, k.namespace, "flags")
	if err := inf.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	k.put("flags", map[string]string{"rate": "20"}, nil)
	eventually(t, "the update is applied", func() bool { return f.rate.Get() == 20 })
	inf.Stop()
	inf.Stop()
	f.rate.WaitNotified()
	hc.CloseIdleConnections()
	goleak.VerifyNone(t, ignore)
}

func TestInitializeTimesOutWithTheLastError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	client, _ := clientFor(t, &rest.Config{Host: "https://" + addr, TLSClientConfig: rest.TLSClientConfig{Insecure: true}})

	f := newFlags()
	inf := informer.New(f.fs, client, "default", "flags", informer.WithSyncTimeout(waitTimeout))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// End the wait once the informer has reported why it cannot sync.
	go func() {
		for inf.Status().Err == "" && ctx.Err() == nil {
			eventuallyTick()
		}
		cancel()
	}()
	report, err := inf.Initialize(ctx)
	if !errors.Is(err, informer.ErrNotSynced) || !errors.Is(err, context.Canceled) || report != nil {
		t.Fatalf("Initialize = %v, %v; want a nil report and ErrNotSynced wrapping the context's end", report, err)
	}
	if !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error %q does not carry the last failure (connection refused)", err)
	}
	if st := inf.Status(); st.State != flagz.StateConnecting {
		t.Errorf("state = %v, want CONNECTING after a failed Initialize", st.State)
	}
	inf.Stop() // nothing running: returns at once
}

func TestNewWithoutNameFailsAtInitialize(t *testing.T) {
	f := newFlags()
	report, err := informer.New(f.fs, nil, "default", "").Initialize(context.Background())
	if err == nil || !strings.Contains(err.Error(), "name") || report != nil {
		t.Fatalf("Initialize = %v, %v; want a nil report and an error about the missing name", report, err)
	}
}

func TestRunUntilContextEnds(t *testing.T) {
	k := newKube(t)
	f := newFlags()
	k.put("flags", map[string]string{"rate": "10"}, nil)
	inf := informer.New(f.fs, k.client, k.namespace, "flags")
	ctx, cancel := context.WithCancel(context.Background())
	result := make(chan error, 1)
	go func() { result <- inf.Run(ctx) }()
	eventually(t, "Run serves", func() bool { return inf.Status().State == flagz.StateServing })
	k.put("flags", map[string]string{"rate": "11"}, nil)
	eventually(t, "Run applies updates", func() bool { return f.rate.Get() == 11 })
	cancel()
	if err := <-result; err != nil {
		t.Fatalf("Run = %v, want nil after its context ended", err)
	}
	if st := inf.Status().State; st != flagz.StateStopped {
		t.Errorf("state = %v after Run returned, want STOPPED", st)
	}
}
