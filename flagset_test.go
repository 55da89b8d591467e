package flagz

import (
	"bytes"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/record"

	"github.com/spf13/pflag"
)

func TestBareBoolFlag(t *testing.T) {
	t.Run("pflag", func(t *testing.T) {
		fs := newFlagSet(t)
		b := DynBool(fs, "verbose", false, "talk more")
		if err := fs.Parse([]string{"--verbose"}); err != nil {
			t.Fatal(err)
		}
		if !b.Get() {
			t.Error("--verbose alone did not set true")
		}
	})
	t.Run("flag", func(t *testing.T) {
		fs := flag.NewFlagSet("std", flag.ContinueOnError)
		b := DynBool(fs, "verbose", false, "talk more")
		if err := fs.Parse([]string{"-verbose"}); err != nil {
			t.Fatal(err)
		}
		if !b.Get() {
			t.Error("-verbose alone did not set true")
		}
	})
}

func TestStandardFlagSetWorksLikePflag(t *testing.T) {
	fs := flag.NewFlagSet("std", flag.ContinueOnError)
	n := DynInt64(fs, "n", 1, "a number")
	d := DynDuration(fs, "d", time.Second, "a duration")
	static := fs.String("static", "s", "a static flag")
	if err := fs.Parse([]string{"-n=5", "-d", "2s"}); err != nil {
		t.Fatal(err)
	}
	if n.Get() != 5 || d.Get() != 2*time.Second {
		t.Fatalf("parsed n=%d d=%v", n.Get(), d.Get())
	}
	e := EngineFor(fs)
	st, ok := e.Flag("n")
	if !ok || !st.Dynamic || st.Type != "dyn_int64" || st.Value != "5" || st.Default != "1" || !st.Changed {
		t.Errorf("engine state of n: %+v", st)
	}
	rep := e.Source("test", nil).Load(1, map[string]string{"static": "loaded", "n": "9"})
	if rep.Err() != nil || *static != "loaded" || n.Get() != 9 {
		t.Fatalf("load on a standard flag set: %v, static=%q n=%d", rep.Err(), *static, n.Get())
	}
	if got := e.Source("test", nil).Update(2, map[string]string{"static": "later"}); got[0].Result != record.RestartRequired {
		t.Errorf("static change after start on a standard set: %v", got)
	}
	sum := ChecksumFlagSet(fs, IsFlagDynamic)
	if len(sum) != 8 {
		t.Errorf("checksum is %d bytes", len(sum))
	}
}

func TestUsageListingsNeverPanic(t *testing.T) {
	pfs := newFlagSet(t)
	sfs := flag.NewFlagSet("std", flag.ContinueOnError)
	for _, fs := range []any{pfs, sfs} {
		switch fs := fs.(type) {
		case *pflag.FlagSet:
			declareEveryType(fs)
		case *flag.FlagSet:
			declareEveryType(fs)
		}
	}
	usage := pfs.FlagUsages()
	if !strings.Contains(usage, "--i dyn_int64") {
		t.Errorf("pflag usage lacks the typed flag:\n%s", usage)
	}
	var buf bytes.Buffer
	sfs.SetOutput(&buf)
	sfs.PrintDefaults()
	if !strings.Contains(buf.String(), "-i") || strings.Contains(buf.String(), "panic") {
		t.Errorf("flag.PrintDefaults output:\n%s", buf.String())
	}
}

func declareEveryType[F FlagSet](fs F) {
	DynBool(fs, "b", true, "bool")
	DynInt64(fs, "i", 3, "int")
	DynFloat64(fs, "f", 1.5, "float")
	DynString(fs, "s", "x", "string")
	DynDuration(fs, "d", time.Second, "duration")
	DynStringSlice(fs, "l", []string{"a"}, "list")
	DynStringSet(fs, "set", []string{"a"}, "set")
	DynJSON(fs, "j", &routing{}, "json")
	DynJSONOf(fs, "tj", routing{}, "typed json")
}
