package natskv_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz/natskv"
	"github.com/flagz-go/flagz/source/sourcetest"
)

// The source's lifecycle is its runtime's: each method only calls it.
func TestLifecycleIsTheRuntimes(t *testing.T) {
	sourcetest.CheckDelegation(t, ".", "Source")
}

func ExampleKey() {
	for _, name := range []string{"rate", "db.pool", "a b", "x=1", "é", ".hidden", "a..b"} {
		fmt.Printf("%s -> %s\n", name, natskv.Key(name))
	}
	// Output:
	// rate -> rate
	// db.pool -> db.pool
	// a b -> a=20b
	// x=1 -> x=3D1
	// é -> =C3=A9
	// .hidden -> =2Ehidden
	// a..b -> a.=2Eb
}

// New refuses what it cannot use, naming the option; it reads nothing, so
// a connection that never connected will do.
func TestNewRefusesBadOptions(t *testing.T) {
	nc := &nats.Conn{}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	for _, c := range []struct {
		js     jetstream.JetStream
		bucket string
		opts   []natskv.Option
		want   string
	}{
		{nil, "flags", nil, "js is nil"},
		{js, "", nil, "bucket name empty"},
		{js, "flags", []natskv.Option{natskv.WithPrefix(".svc")}, `WithPrefix(".svc")`},
		{js, "flags", []natskv.Option{natskv.WithPrefix("a..b")}, `WithPrefix("a..b")`},
		{js, "flags", []natskv.Option{natskv.WithPrefix("svc>")}, `WithPrefix("svc>")`},
		{js, "flags", []natskv.Option{natskv.WithHealthCheck(0, time.Second)}, "WithHealthCheck(0s, 1s)"},
		{js, "flags", []natskv.Option{natskv.WithBackoff(time.Second, time.Millisecond)}, "WithBackoff"},
		{js, "flags", []natskv.Option{natskv.WithSourceName("")}, "WithSourceName"},
		{js, "flags", []natskv.Option{natskv.WithStopTimeout(0)}, "WithStopTimeout(0s)"},
	} {
		if _, err := natskv.New(fs, c.js, c.bucket, c.opts...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%q, %d options) = %v, want an error naming %s", c.bucket, len(c.opts), err, c.want)
		}
	}
	s, err := natskv.New(fs, js, "flags", natskv.WithPrefix("svc."))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name() != "nats:flags/svc." {
		t.Errorf("a source with a prefix is named %q, want nats:flags/svc.", s.Name())
	}
}
