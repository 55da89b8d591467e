package informer_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/configmap/informer"
	"github.com/flagz-go/flagz/record"
	"go.uber.org/goleak"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/rest"
)

func TestStopLeavesNoGoroutine(t *testing.T) {
	k := newKube(t)
	f := newFlags()
	k.put("flags", map[string]string{"rate": "10"}, nil)
	client, hc := clientFor(t, server.Config) // its own connections, closed below
	ignore := goleak.IgnoreCurrent()

	inf := newInformer(t, f.fs, client, k.namespace, "flags")
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
	inf := newInformer(t, f.fs, client, "default", "flags", informer.WithSyncTimeout(waitTimeout))
	report, err := inf.Initialize(context.Background())
	if !errors.Is(err, informer.ErrNotSynced) || report != nil {
		t.Fatalf("Initialize = %v, %v; want a nil report and ErrNotSynced", report, err)
	}
	if !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error %q does not carry the failure (connection refused)", err)
	}
	if st := inf.Status(); st.State != record.StateConnecting || !strings.Contains(st.Err, "connection refused") {
		t.Errorf("status = %+v, want CONNECTING with the reason after a failed Initialize", st)
	}

	// A server that accepts connections but never answers: the sync timeout
	// bounds Initialize, and so does its context.
	hung, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hung.Close()
	client, _ = clientFor(t, &rest.Config{Host: "https://" + hung.Addr().String(), TLSClientConfig: rest.TLSClientConfig{Insecure: true}})
	inf = newInformer(t, f.fs, client, "default", "flags", informer.WithSyncTimeout(200*time.Millisecond), informer.WithSourceName("hung"))
	if _, err := inf.Initialize(context.Background()); !errors.Is(err, informer.ErrNotSynced) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Initialize against a server that never answers = %v; want ErrNotSynced and the deadline", err)
	}
	inf.Stop() // nothing running: returns at once
}

// New refuses what it cannot run with, naming it: no client (which would
// otherwise retry forever as CONNECTING), no namespace or name, and an
// option given a value it cannot take.
func TestNewRefusesBadArguments(t *testing.T) {
	f := newFlags()
	client := fake.NewClientset()
	for _, c := range []struct {
		client     informer.CoreV1Getter
		ns, name   string
		opts       []informer.Option
		wantInText string
	}{
		{nil, "default", "flags", nil, "client is nil"},
		{client, "", "flags", nil, "namespace is empty"},
		{client, "default", "", nil, "name is empty"},
		{client, "default", "flags", []informer.Option{informer.WithSyncTimeout(0)}, "WithSyncTimeout(0s)"},
		{client, "default", "flags", []informer.Option{informer.WithBackoff(0, 0)}, "WithBackoff(0s, 0s)"},
		{client, "default", "flags", []informer.Option{informer.WithSourceName("")}, "WithSourceName"},
		{client, "default", "flags", []informer.Option{informer.WithLogger(nil)}, "WithLogger"},
		{client, "default", "flags", []informer.Option{informer.WithSnapshotFile("")}, "WithSnapshotFile"},
		{client, "default", "flags", []informer.Option{informer.WithStopTimeout(0)}, "WithStopTimeout(0s)"},
	} {
		inf, err := informer.New(f.fs, c.client, c.ns, c.name, c.opts...)
		if inf != nil || err == nil || !strings.Contains(err.Error(), c.wantInText) {
			t.Errorf("New = %v, %v; want an error saying %q", inf, err, c.wantInText)
		}
	}
}

func TestRunUntilContextEnds(t *testing.T) {
	k := newKube(t)
	f := newFlags()
	k.put("flags", map[string]string{"rate": "10"}, nil)
	inf := newInformer(t, f.fs, k.client, k.namespace, "flags")
	ctx, cancel := context.WithCancel(context.Background())
	result := make(chan error, 1)
	go func() { result <- inf.Run(ctx) }()
	eventually(t, "Run serves", func() bool { return inf.Status().State == record.StateServing })
	k.put("flags", map[string]string{"rate": "11"}, nil)
	eventually(t, "Run applies updates", func() bool { return f.rate.Get() == 11 })
	cancel()
	if err := <-result; err != nil {
		t.Fatalf("Run = %v, want nil after its context ended", err)
	}
	if st := inf.Status().State; st != record.StateStopped {
		t.Errorf("state = %v after Run returned, want STOPPED", st)
	}
}
