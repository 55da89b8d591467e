package configmap

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/atomicwriter"
	"github.com/flagz-go/flagz/record"
)

func TestStopTwiceAndConcurrentlyReturns(t *testing.T) {
	f := newFlags(t)
	o := dirTestOrigin(t)
	o.write(t, map[string]string{"rate": "1"})
	w := o.watcher(t, f.fs, WithLogger(testLogger(t)))
	w.Stop() // never started
	if err := w.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := w.Start(t.Context()); !errors.Is(err, ErrRunning) {
		t.Fatalf("second Start = %v, want ErrRunning", err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(w.Stop)
	}
	wg.Wait()
	w.Stop()
	if st := w.Status(); st.State != record.StateStopped {
		t.Fatalf("state = %v, want STOPPED", st.State)
	}
}

// After Stop no goroutine of the watcher (nor of fsnotify) is left, and
// every inotify instance and watch it made is gone, counted from
// /proc/self/fdinfo.
func TestStopLeavesNoGoroutineNorInotifyWatch(t *testing.T) {
	bothOrigins(t, func(t *testing.T, o *testOrigin) {
		baseGoroutines := goleak.IgnoreCurrent()
		baseInstances, baseWatches := inotifyState(t)
		f := newFlags(t)
		o.write(t, map[string]string{"rate": "1"})
		w := o.watcher(t, f.fs, WithLogger(testLogger(t)), WithResyncPeriod(10*time.Millisecond))
		for round := range 3 { // restartable, and nothing piles up
			if err := w.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			o.write(t, map[string]string{"rate": fmt.Sprint(round + 2)})
			eventually(t, "running", func() bool { return f.rate.Get() == int64(round+2) })
			// Every resync closes the watch and opens a new one: never more
			// than one is open, and one is there between resyncs.
			wantWatches := len(w.origin.watchPaths())
			eventually(t, "one inotify instance with its watches", func() bool {
				instances, watches := inotifyState(t)
				if instances > baseInstances+1 || watches > baseWatches+wantWatches {
					t.Fatalf("while running: %d inotify instances, %d watches; want at most %d and %d",
						instances, watches, baseInstances+1, baseWatches+wantWatches)
				}
				return instances == baseInstances+1 && watches == baseWatches+wantWatches
			})
			w.Stop()
			if instances, watches := inotifyState(t); instances != baseInstances || watches != baseWatches {
				t.Fatalf("after Stop: %d inotify instances, %d watches; want %d and %d",
					instances, watches, baseInstances, baseWatches)
			}
		}
		f.rate.WaitNotified()
		goleak.VerifyNone(t, baseGoroutines)
	})
}

func TestRunReturnsWhenContextEnds(t *testing.T) {
	baseGoroutines := goleak.IgnoreCurrent()
	f := newFlags(t)
	o := dirTestOrigin(t)
	o.write(t, map[string]string{"rate": "3"})
	w := o.watcher(t, f.fs, WithLogger(testLogger(t)))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	eventually(t, "loaded", func() bool { return f.rate.Get() == 3 && w.Status().State == record.StateServing })
	o.write(t, map[string]string{"rate": "4"})
	eventually(t, "followed", func() bool { return f.rate.Get() == 4 })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
	if st := w.Status(); st.State != record.StateStopped {
		t.Fatalf("state = %v", st.State)
	}
	f.rate.WaitNotified()
	goleak.VerifyNone(t, baseGoroutines)
}

func TestStandardFlagSet(t *testing.T) {
	fs := flag.NewFlagSet(t.Name(), flag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate", 1, "rate")
	o := dirTestOrigin(t)
	o.write(t, map[string]string{"rate": "2"})
	w := must(t)(New(fs, o.path, WithLogger(testLogger(t)), WithResyncPeriod(0)))
	if report, err := w.Initialize(t.Context()); err != nil || report.Err() != nil {
		t.Fatalf("Initialize: err=%v, report=%v", err, report.Err())
	}
	if err := w.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	o.write(t, map[string]string{"rate": "3"})
	eventually(t, "rate = 3", func() bool { return rate.Get() == 3 })
}

// binaryData keys carry wire-format protos. This one ends in a newline byte
// and is valid UTF-8, so only the flag's type tells it must pass intact.
func TestDirBinaryProtoPassesByteForByte(t *testing.T) {
	fs := newFlags(t).fs
	msg := flagz.DynProto(fs, "msg", wrapperspb.String("default"), "a proto")
	greeting := fs.Lookup("greeting")
	want := wrapperspb.String("x\n")
	wire, err := proto.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if wire[len(wire)-1] != '\n' {
		t.Fatalf("test message must end in a newline: % x", wire)
	}
	dir := filepath.Join(t.TempDir(), "config")
	aw, err := atomicwriter.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := aw.Write(map[string][]byte{"msg": wire, "greeting": []byte("text\n")}); err != nil {
		t.Fatal(err)
	}
	src := must(t)(New(fs, dir, WithLogger(testLogger(t)), WithResyncPeriod(0)))
	if report, err := src.Initialize(t.Context()); err != nil || report.Err() != nil {
		t.Fatalf("Initialize: err=%v, report=%v", err, report.Err())
	}
	if !proto.Equal(msg.Get(), want) {
		t.Fatalf("msg = %v, want %v", msg.Get(), want)
	}
	if greeting.Value.String() != "text" {
		t.Fatalf("greeting = %q, want the trailing newline stripped", greeting.Value.String())
	}
}
