package flagz

import (
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/structpb"
)

// Get must not allocate, whatever the type: it is on every request path.
func TestGetDoesNotAllocate(t *testing.T) {
	fs := newFlagSet(t)
	var (
		b  = DynBool(fs, "b", true, "")
		i  = DynInt64(fs, "i", 1, "")
		f  = DynFloat64(fs, "f", 1, "")
		s  = DynString(fs, "s", "x", "")
		d  = DynDuration(fs, "d", time.Second, "")
		l  = DynStringSlice(fs, "l", []string{"a"}, "")
		st = DynStringSet(fs, "st", []string{"a"}, "")
		j  = DynJSON(fs, "j", &routing{}, "")
		jt = DynJSONOf(fs, "jt", routing{Weight: 1}, "")
		p  = DynProto(fs, "p", &structpb.Struct{}, "")
	)
	var n int
	allocs := testing.AllocsPerRun(1000, func() {
		if b.Get() {
			n++
		}
		n += int(i.Get()) + int(f.Get()) + len(s.Get()) + int(d.Get()) + len(l.Get()) + len(st.Get())
		if st.Contains("a") {
			n++
		}
		if j.Get() != nil {
			n++
		}
		n += jt.Get().Weight + len(p.Get().GetFields())
	})
	if allocs != 0 {
		t.Errorf("Get allocated %.1f times per round", allocs)
	}
}
