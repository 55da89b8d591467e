package flagz

import (
	"bytes"
	"flag"
	"log/slog"
	"strings"
	"testing"

	"github.com/flagz-go/flagz/record"
)

// The engine, not the sources, owns the rule that static flags are set only
// by a source's initial load: a second Load is a reconcile.
func TestSecondLoadDoesNotReopenStaticFlags(t *testing.T) {
	f := newEngineFixture(t)
	f.src.Load(1, map[string]string{"listen": ":1"})
	rep := f.src.Load(2, map[string]string{"listen": ":2"})
	if o, _ := rep.Outcome("listen"); o.Result != record.RestartRequired || *f.static != ":1" {
		t.Fatalf("second Load: %+v, listen = %q; want restart required and :1", o, *f.static)
	}
	// A source whose first full snapshot comes after start-up (its
	// Initialize failed) never sets static flags either.
	g := newEngineFixture(t)
	rep = g.src.Replace(1, map[string]string{"listen": ":3"})
	if o, _ := rep.Outcome("listen"); o.Result != record.RestartRequired || *g.static != ":8080" {
		t.Fatalf("first Replace: %+v, listen = %q", o, *g.static)
	}
}

// Setting a value equal to the current one stores nothing: String and the
// checksum stay as they were (0 and -0 are equal floats with other text).
func TestEqualValueIsNotStored(t *testing.T) {
	fs := newFlagSet(t)
	v := DynFloat64(fs, "ratio", 0, "")
	e := EngineFor(fs)
	before := e.DynamicChecksum()
	rep := e.Source("test", nil).Update(1, map[string]string{"ratio": "-0"})
	if o, _ := rep.Outcome("ratio"); o.Result != record.Unchanged {
		t.Errorf("-0 over 0: %v", o.Result)
	}
	if v.String() != "0" || e.DynamicChecksum() != before {
		t.Errorf("an unchanged value changed the text to %q or the checksum", v.String())
	}
	if err := v.Set("-0"); err != nil || v.String() != "0" {
		t.Errorf("Set(-0) = %v, text %q", err, v.String())
	}
}

// A static flag given on the command line keeps that value whatever a
// source holds; a dynamic one follows the source, with a warning naming
// both values. The flag's state shows the command-line value.
func TestCommandLineTakesPrecedenceOverStaticOnly(t *testing.T) {
	fs := newFlagSet(t)
	listen := fs.String("listen", ":8080", "static")
	rate := DynInt64(fs, "rate", 10, "dynamic")
	if err := fs.Parse([]string{"--listen=127.0.0.1:0", "--rate=20"}); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	src := EngineFor(fs).Source("etcd", slog.New(slog.NewTextHandler(&log, nil)))
	rep := src.Load(1, map[string]string{"listen": "127.0.0.1:9999", "rate": "30"})
	if o, _ := rep.Outcome("listen"); o.Result != record.CommandLine || *listen != "127.0.0.1:0" {
		t.Errorf("static flag from the command line: %+v, listen = %q", o, *listen)
	}
	if rep.Err() != nil {
		t.Errorf("the command line winning is not an error: %v", rep.Err())
	}
	if o, _ := rep.Outcome("rate"); o.Result != record.Applied || rate.Get() != 30 {
		t.Errorf("dynamic flag: %+v, rate = %d", o, rate.Get())
	}
	for _, want := range []string{
		`msg="flagz: static flag given on the command line keeps that value; the source's value is not applied" flag=listen`,
		"command_line=127.0.0.1:0 value=127.0.0.1:9999",
		`msg="flagz: a source changed a dynamic flag given on the command line" flag=rate`,
		"command_line=20 new=30",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
	st, _ := EngineFor(fs).Flag("listen")
	if st.CommandLine == nil || *st.CommandLine != "127.0.0.1:0" {
		t.Errorf("state of listen: command line %v", st.CommandLine)
	}
	if st.Value != "127.0.0.1:0" {
		t.Errorf("state of listen: value %q", st.Value)
	}
	// The same snapshot again (a reconcile) is quiet.
	log.Reset()
	src.Replace(2, map[string]string{"listen": "127.0.0.1:9999", "rate": "30"})
	if log.Len() != 0 {
		t.Errorf("a repeated snapshot logged:\n%s", log.String())
	}
	// The source dropping the name leaves the command-line value.
	rep = src.Replace(3, map[string]string{"rate": "30"})
	if o, _ := rep.Outcome("listen"); o.Result != record.Unchanged || *listen != "127.0.0.1:0" {
		t.Errorf("removal of a command-line static flag: %+v, listen = %q", o, *listen)
	}
}

// The standard library's flag set gets the same precedence.
func TestCommandLinePrecedenceStandardFlagSet(t *testing.T) {
	fs := flag.NewFlagSet(t.Name(), flag.ContinueOnError)
	port := fs.Int("port", 80, "")
	if err := fs.Parse([]string{"-port=81"}); err != nil {
		t.Fatal(err)
	}
	rep := EngineFor(fs).Source("s", slog.New(slog.DiscardHandler)).Load(1, map[string]string{"port": "82"})
	if o, _ := rep.Outcome("port"); o.Result != record.CommandLine || *port != 81 {
		t.Errorf("%+v, port = %d", o, *port)
	}
}

// Names no flag has are logged in one line per batch, however many.
func TestUnknownNamesLoggedOncePerBatch(t *testing.T) {
	f := newEngineFixture(t)
	values := map[string]string{}
	for i := range 500 {
		values["unknown_"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+strings.Repeat("y", i/26)] = "1"
	}
	rep := f.src.Update(1, values)
	if rep.Count(record.Unknown) != len(values) {
		t.Fatalf("%d unknown outcomes, want %d", rep.Count(record.Unknown), len(values))
	}
	if n := strings.Count(f.log.String(), "no flag has these names"); n != 1 {
		t.Errorf("%d log lines about unknown names, want 1:\n%.2000s", n, f.log.String())
	}
	if !strings.Contains(f.log.String(), "count=500") {
		t.Errorf("the line does not count the names:\n%.500s", f.log.String())
	}
}

// The dynamic checksum is kept from one change to the next and follows
// every change, direct Sets included.
func TestDynamicChecksumFollowsChanges(t *testing.T) {
	fs := newFlagSet(t)
	rate := DynInt64(fs, "rate", 1, "")
	e := EngineFor(fs)
	a := e.DynamicChecksum()
	if e.DynamicChecksum() != a {
		t.Fatal("checksum changed while nothing did")
	}
	if err := rate.Set("2"); err != nil {
		t.Fatal(err)
	}
	b := e.DynamicChecksum()
	if b == a {
		t.Fatal("checksum did not follow a Set")
	}
	DynString(fs, "late", "x", "")
	if e.DynamicChecksum() == b {
		t.Fatal("checksum did not follow a new flag")
	}
	if err := rate.Set("1"); err != nil {
		t.Fatal(err)
	}
	fs2 := newFlagSet(t)
	DynInt64(fs2, "rate", 1, "")
	DynString(fs2, "late", "x", "")
	if EngineFor(fs2).DynamicChecksum() != e.DynamicChecksum() {
		t.Error("equal values, different checksums")
	}
}

// A sensitive value stays out of the checksums unless a key is set; with a
// key, processes sharing it agree and a changed secret changes the sum.
func TestChecksumOfSensitiveValues(t *testing.T) {
	sum := func(pin string, key []byte) uint64 {
		fs := newFlagSet(t)
		DynString(fs, "pin", pin, "").WithSensitive()
		e := EngineFor(fs)
		if key != nil {
			e.SetChecksumKey(key)
		}
		if e.DynamicChecksum() != e.checksumOf(nil) {
			t.Fatal("dynamic and all differ with only dynamic flags")
		}
		return e.DynamicChecksum()
	}
	if sum("1234", nil) != sum("9999", nil) {
		t.Error("without a key the checksum depends on a secret: an oracle")
	}
	key := []byte("fleet key")
	one, other := sum("1234", key), sum("1234", key)
	if one != other {
		t.Error("two processes with one key disagree")
	}
	if sum("1234", key) == sum("9999", key) {
		t.Error("with a key a changed secret does not change the checksum")
	}
	if sum("1234", key) == sum("1234", []byte("other key")) {
		t.Error("the key does not enter the checksum")
	}
}
