package configmap

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flagz-go/flagz/internal/wait"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/source/sourcetest"
)

// returnsWithin runs fn and fails the test if it has not returned after
// ten seconds: a bound on hanging, not a measure of speed.
func returnsWithin(t *testing.T, what string, fn func()) {
	t.Helper()
	wait.Returns(t, 10*time.Second, what, fn, nil)
}

// Emacs leaves a lock file .#name, a dangling symlink, beside a file it
// edits in a plain directory. It once made the whole directory unreadable:
// now it is reported by name and the keys beside it keep applying.
func TestEmacsLockFileInPlainDirectory(t *testing.T) {
	f := newFlags(t)
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("rate", "3\n")
	write("greeting", "hi\n")
	lock := filepath.Join(dir, ".#greeting")
	if err := makeEntry(lock, sourcetest.DanglingSymlink); err != nil {
		t.Fatal(err)
	}
	w := must(t)(New(f.fs, dir, WithLogger(testLogger(t)), WithResyncPeriod(0)))
	t.Cleanup(w.Stop)
	if _, err := w.Initialize(t.Context()); err != nil {
		t.Fatalf("Initialize beside a lock file: %v", err)
	}
	if f.rate.Get() != 3 || f.greeting.Get() != "hi" {
		t.Fatalf("after Initialize rate=%d greeting=%q", f.rate.Get(), f.greeting.Get())
	}
	if st := w.Status(); st.State != record.StateDegraded || !strings.Contains(st.Err, `".#greeting"`) || !strings.Contains(st.Err, "dangling symlink") {
		t.Fatalf("status %v %q, want DEGRADED naming .#greeting", st.State, st.Err)
	}
	if err := w.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	write("greeting", "edited\n")
	eventually(t, "the edited key applied beside the lock", func() bool { return f.greeting.Get() == "edited" })
	if err := os.Remove(lock); err != nil {
		t.Fatal(err)
	}
	eventually(t, "SERVING once the lock is gone", func() bool { return w.Status().State == record.StateServing })
}

// In a ConfigMap volume only the version ..data points at is read: a lock
// file or a named pipe beside the keys' symlinks is no key at all.
func TestVolumeIgnoresEntriesBesideTheVersion(t *testing.T) {
	f := newFlags(t)
	o := dirTestOrigin(t)
	o.write(t, map[string]string{"rate": "3"})
	for name, e := range map[string]sourcetest.Entry{".#rate": sourcetest.DanglingSymlink, "pipe": sourcetest.NamedPipe} {
		if err := makeEntry(filepath.Join(o.path, name), e); err != nil {
			t.Fatal(err)
		}
	}
	w := start(t, o, f)
	if st := w.Status(); st.State != record.StateServing || f.rate.Get() != 3 {
		t.Fatalf("status %v %q, rate %d", st.State, st.Err, f.rate.Get())
	}
}

// While a key cannot be read the source stays DEGRADED: changes of the
// other keys and periodic resyncs apply without a passing SERVING, so the
// state history and the logs do not flap.
func TestUnreadableKeyDoesNotFlapTheState(t *testing.T) {
	f := newFlags(t)
	o := dirTestOrigin(t)
	publish := func(values map[string]string, hostile map[string]sourcetest.Entry) {
		t.Helper()
		if err := writeVolume(o.path, values, hostile); err != nil {
			t.Fatal(err)
		}
	}
	publish(map[string]string{"rate": "3", "greeting": "hi"}, nil)
	w := start(t, o, f, WithResyncPeriod(20*time.Millisecond))
	pipe := map[string]sourcetest.Entry{"greeting": sourcetest.NamedPipe}
	publish(map[string]string{"rate": "3"}, pipe)
	eventually(t, "DEGRADED naming greeting", func() bool {
		st := w.Status()
		return st.State == record.StateDegraded && strings.Contains(st.Err, `key "greeting"`)
	})
	since := w.Status().Since
	for rate := 4; rate <= 6; rate++ {
		publish(map[string]string{"rate": fmt.Sprint(rate)}, pipe)
		eventually(t, fmt.Sprintf("rate = %d", rate), func() bool { return f.rate.Get() == int64(rate) })
	}
	synced := w.Status().LastSync
	eventually(t, "a resync", func() bool { return w.Status().LastSync.After(synced) })
	st := w.Status()
	if st.State != record.StateDegraded || !st.Since.Equal(since) {
		t.Errorf("state %v since %v, want DEGRADED since %v without a break: history %+v", st.State, st.Since, since, st.History)
	}
	if f.greeting.Get() != "hi" {
		t.Errorf("greeting = %q, want the last value read kept", f.greeting.Get())
	}
}

// A read that blocks in the file system (a network mount that does not
// answer) holds neither Initialize past its deadline nor Stop, and only one
// such read is ever left behind.
func TestBlockedReadHoldsNeitherInitializeNorStop(t *testing.T) {
	for _, mk := range []func(*testing.T) *testOrigin{dirTestOrigin, fileTestOrigin} {
		o := mk(t)
		t.Run(o.kind, func(t *testing.T) {
			f := newFlags(t)
			o.write(t, map[string]string{"rate": "3"})
			release := make(chan struct{})
			var reads atomic.Int32
			w := o.watcher(t, f.fs, WithLogger(testLogger(t)), withReadHook(func() {
				reads.Add(1)
				<-release
			}))
			t.Cleanup(w.Stop)
			t.Cleanup(func() { close(release) }) // before Stop, should the test fail with a read blocked
			ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
			defer cancel()
			var err error
			returnsWithin(t, "Initialize", func() { _, err = w.Initialize(ctx) })
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Initialize during a blocked read = %v, want its deadline exceeded", err)
			}
			if err := w.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			returnsWithin(t, "Stop", w.Stop)
			if n := reads.Load(); n != 1 {
				t.Errorf("%d reads started while the first was blocked, want 1", n)
			}
		})
	}
}

// What readRegular opens is checked again once open, and opening never
// blocks: a named pipe swapped in after the check is refused, not waited on.
func TestOpenRefusesANamedPipeWithoutBlocking(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rate")
	if err := mkfifo(path); err != nil {
		t.Fatal(err)
	}
	var err error
	returnsWithin(t, "opening a named pipe", func() {
		var f *os.File
		if f, err = openRegular(path); err == nil {
			f.Close()
		}
	})
	var nr *notRegularError
	if !errors.As(err, &nr) || !strings.Contains(err.Error(), path+" is a named pipe (FIFO), not a regular file") {
		t.Fatalf("openRegular(named pipe) = %v, want a notRegularError naming it", err)
	}
}

// A file source given a directory, or a file that becomes one, fails or
// degrades naming it; a key-per-file directory names each bad key, a few.
func TestUnreadableErrorsNameWhat(t *testing.T) {
	f := newFlags(t)
	dir := t.TempDir()
	_, err := must(t)(NewFile(f.fs, dir, WithLogger(testLogger(t)))).Initialize(t.Context())
	if err == nil || !strings.Contains(err.Error(), dir+" is a directory, not a regular file") {
		t.Errorf("NewFile over a directory: Initialize = %v", err)
	}
	u := &unreadableKeys{dir: "/d"}
	for i := range 12 {
		u.keys = append(u.keys, keyError{key: fmt.Sprintf("k%02d", i), err: errDangling})
	}
	msg := u.Error()
	if !strings.Contains(msg, "/d: 12 keys cannot be read") || !strings.Contains(msg, `key "k09"`) ||
		strings.Contains(msg, `key "k10"`) || !strings.HasSuffix(msg, "; and 2 more") {
		t.Errorf("error of 12 unreadable keys: %s", msg)
	}
	if !errors.Is(u, errDangling) {
		t.Errorf("%v does not wrap the errors of its keys", u)
	}
}
