package realnats_test

import (
	"slices"
	"testing"

	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/natskv"
	"github.com/flagz-go/flagz/record"
)

// Flag names a NATS key cannot hold reach their flags through natskv.Key;
// a key that is no name's key is reported as an unknown name, and sets no
// flag.
func TestKeyMapping(t *testing.T) {
	srv := startServer(t)
	_, js := connect(t, srv.url())
	kv := createBucket(t, js, 10, 1)
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	names := []string{"db.pool", "feature flag", "x=1", "ünï", ".hidden", "a..b", "rate"}
	values := map[string]*flagz.DynStringValue{}
	for _, name := range names {
		values[name] = flagz.DynString(fs, name, "default", "a flag")
		put(t, kv, natskv.Key(name), "set:"+name)
	}
	put(t, kv, "rate=zz", "stray")    // a '=' that is no escape
	put(t, kv, "=72ate", "disguised") // "rate" escaped where it need not be
	s := started(t, fs, js)
	for _, name := range names {
		if got := values[name].Get(); got != "set:"+name {
			t.Errorf("flag %q = %q through key %q, want set:%s", name, got, natskv.Key(name), name)
		}
	}
	ignored := func(name string) bool {
		return slices.ContainsFunc(s.Status().IgnoredNames, func(n record.IgnoredName) bool { return n.Name == name })
	}
	for _, key := range []string{"rate=zz", "=72ate"} {
		if !ignored(key) {
			t.Errorf("key %q is not reported as an unknown name: %+v", key, s.Status().IgnoredNames)
		}
	}
	put(t, kv, "=72ate", "disguised again")
	put(t, kv, natskv.Key("db.pool"), "after")
	eventually(t, "the update after the stray key", func() bool { return values["db.pool"].Get() == "after" })
	if got := values["rate"].Get(); got != "set:rate" {
		t.Errorf("a key that is no name's key set rate to %q", got)
	}
}

// With a prefix, only the keys under it are flags: the others are neither
// applied nor reported.
func TestPrefix(t *testing.T) {
	srv := startServer(t)
	_, js := connect(t, srv.url())
	kv := createBucket(t, js, 10, 1)
	put(t, kv, "svc.rate", "20")
	put(t, kv, "other.rate", "30")
	put(t, kv, "rate", "40")
	f := newTestFlags()
	s := started(t, f.fs, js, natskv.WithPrefix("svc."))
	if f.rate.Get() != 20 {
		t.Errorf("rate = %d, want 20 from svc.rate", f.rate.Get())
	}
	put(t, kv, "other.name", "not mine")
	put(t, kv, "svc.name", "mine")
	eventually(t, "name = mine", func() bool { return f.name.Get() == "mine" })
	if st := s.Status(); st.Ignored != 0 || st.Name != "nats:"+bucket+"/svc." {
		t.Errorf("status with a prefix: %+v", st)
	}
}
