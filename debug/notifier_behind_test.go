package debug_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
)

// A notifier that blocks while its flag keeps changing is shown as behind,
// in the JSON and on the HTML page, and no longer once it returns.
func TestPageShowsNotifierBehind(t *testing.T) {
	f := newFixture(t)
	release := make(chan struct{})
	started := make(chan struct{})
	n := flagz.DynInt64(f.fs, "stuck", 0, "a flag whose notifier blocks")
	first := true
	n.WithNotifier(func(_, _ int64) {
		if first {
			first = false
			close(started)
			<-release
		}
	})
	if err := n.Set("1"); err != nil {
		t.Fatal(err)
	}
	<-started
	for i := 2; i <= 100000; i++ { // more than the queue lets wait, however recent the block
		if err := n.Set(strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := flagz.EngineFor(f.fs).Flag("stuck")
	if st.NotifierBehindSince.IsZero() {
		t.Fatal("FlagState does not say the notifier is behind")
	}
	got := flagOf(t, getPage(t, f, ""), "stuck").NotifierBehindSince
	if !got.Equal(st.NotifierBehindSince) {
		t.Errorf("page JSON notifier_behind_since = %v, want %v", got, st.NotifierBehindSince)
	}
	if _, _, html := get(t, f.url(debug.Path), "Accept", "text/html"); !strings.Contains(html, "notifiers behind since") {
		t.Error("the HTML page does not show the notifier behind")
	}
	close(release)
	n.WaitNotified()
	if got := flagOf(t, getPage(t, f, ""), "stuck").NotifierBehindSince; !got.IsZero() {
		t.Errorf("notifier_behind_since = %v after the notifier caught up, want absent", got)
	}
}
