package configmap

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// New and NewFile refuse an option given a value they cannot take, with an
// error naming the option, as every source does: no option falls back to
// its default when given a zero value.
func TestConstructorsRefuseBadOptions(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		opt  Option
		want string
	}{
		{WithSourceName(""), "WithSourceName"},
		{WithBackoff(0, 0), "WithBackoff(0s, 0s)"},
		{WithBackoff(time.Second, time.Millisecond), "WithBackoff(1s, 1ms)"},
		{WithLogger(nil), "WithLogger"},
		{WithSnapshotFile(""), "WithSnapshotFile"},
		{WithResyncPeriod(-time.Second), "WithResyncPeriod(-1s)"},
		{WithDebounce(0), "WithDebounce(0s)"},
		{WithMaxSize(0), "WithMaxSize(0)"},
		{WithStopTimeout(0), "WithStopTimeout(0s)"},
	} {
		fs := pflag.NewFlagSet(t.Name(), pflag.ContinueOnError)
		if w, err := New(fs, dir, c.opt); w != nil || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New with %s = %v, %v; want an error naming the option", c.want, w, err)
		}
		if w, err := NewFile(fs, dir+"/flags.yaml", c.opt); w != nil || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewFile with %s = %v, %v; want an error naming the option", c.want, w, err)
		}
	}
	fs := pflag.NewFlagSet(t.Name(), pflag.ContinueOnError)
	if _, err := New(fs, ""); err == nil {
		t.Error("New with no directory returned no error")
	}
	if _, err := NewFile(fs, ""); err == nil {
		t.Error("NewFile with no path returned no error")
	}
	if w, err := New(fs, dir, WithResyncPeriod(0), WithSourceName("volume")); err != nil || w.Name() != "volume" {
		t.Errorf("New with good options = %v, %v", w, err)
	}
}
