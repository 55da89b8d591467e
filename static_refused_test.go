package flagz

import (
	"testing"
	"time"

	"github.com/flagz-go/flagz/record"
)

// A static pflag value stores what it parsed (zero) before it returns a
// parse error; a source's refused value must still leave the flag as it
// was.
func TestRefusedStaticValueKeepsTheFlag(t *testing.T) {
	fs := newFlagSet(t)
	port := fs.Int("port", 80, "")
	ok := fs.Bool("ok", true, "")
	wait := fs.Duration("wait", time.Second, "")
	rep := EngineFor(fs).Source("test", nil).Load(1, map[string]string{"port": "eighty", "ok": "maybe", "wait": "soon"})
	if rep.Count(record.Rejected) != 3 {
		t.Fatalf("report %v", rep)
	}
	if *port != 80 || !*ok || *wait != time.Second {
		t.Errorf("refused values changed the flags: port %d, ok %v, wait %v", *port, *ok, *wait)
	}
	if fs.Changed("port") {
		t.Error("port is recorded as set")
	}
}
