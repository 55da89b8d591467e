package presence_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/flagz-go/flagz/watcher/presence"
)

func TestEncodeStatusStaysUnderTheCap(t *testing.T) {
	big := strings.Repeat("\x01", 300<<10) // six bytes each once escaped
	for _, n := range []int{1, 100, 5000} {
		st := presence.Status{ID: "h/1/2", State: "SERVING", Revision: 42, Checksum: "00000000000000ff",
			Values:     map[string]string{},
			Rejections: []presence.Rejection{{Flag: "f0", Revision: 41, Value: big, Reason: "bad: " + big}}}
		for i := range n {
			st.Values[fmt.Sprintf("f%d", i)] = big[:1<<10+i%7]
		}
		for range presence.MaxRefused {
			st.Refused = append(st.Refused, st.Rejections[0])
		}
		out, err := presence.EncodeStatus(st)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) > presence.MaxRecordBytes {
			t.Errorf("%d values: status of %d bytes, over %d", n, len(out), presence.MaxRecordBytes)
		}
		got, err := presence.Decode(out)
		if err != nil {
			t.Fatal(err)
		}
		if got.Revision != 42 || got.Checksum != st.Checksum || got.State != "SERVING" {
			t.Errorf("%d values: revision, checksum or state lost: %+v", n, got)
		}
		rej, ok := got.Refusal("f0", 42)
		if _, cur := got.Rejection("f0"); !cur || ok {
			t.Errorf("%d values: rejection of f0 lost (or Refusal at 42 found %+v)", n, rej)
		}
		if rej, _ := got.Rejection("f0"); !presence.IsCut(rej.Value) || !presence.IsCut(rej.Reason) {
			t.Errorf("%d values: rejection not cut", n)
		}
		if len(got.Values)+len(got.Dropped) != n {
			t.Errorf("%d values: %d values and %d dropped", n, len(got.Values), len(got.Dropped))
		}
		for name, v := range got.Values {
			if !presence.IsCut(v) || !presence.Matches(v, st.Values[name]) {
				t.Errorf("%d values: %s published as %.40q…, not a cut of its value", n, name, v)
			}
		}
	}
}

func TestEncodeInfoStaysUnderTheCap(t *testing.T) {
	info := presence.Info{ID: "h/1/2", Values: map[string]string{}}
	for i := range 3000 {
		info.Values[fmt.Sprintf("s%d", i)] = strings.Repeat("y", 2000)
	}
	out, err := presence.EncodeInfo(info)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) > presence.MaxRecordBytes {
		t.Errorf("info of %d bytes, over %d", len(out), presence.MaxRecordBytes)
	}
	if len(info.Values[("s0")]) != 2000 {
		t.Error("EncodeInfo changed the caller's map")
	}
}
