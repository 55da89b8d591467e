package informer

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"
)

func TestSnapshotMergesDataAndBinaryData(t *testing.T) {
	s := snapshotOf(&corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{ResourceVersion: "42"},
		Data:       map[string]string{"a": "1"},
		BinaryData: map[string][]byte{"b": {0, 0xff}},
	})
	if s.values["a"] != "1" || s.values["b"] != "\x00\xff" || len(s.values) != 2 || s.revision() != 42 {
		t.Fatalf("snapshot = %+v", s)
	}
}

func TestRevisionOfOpaqueResourceVersionIsZero(t *testing.T) {
	for rv, want := range map[string]int64{"123": 123, "": 0, "abc": 0, "-5": 0, "99999999999999999999": 0} {
		if got := parseRevision(rv); got != want {
			t.Errorf("parseRevision(%q) = %d, want %d", rv, got, want)
		}
	}
}

func TestSameAs(t *testing.T) {
	base := snapshot{exists: true, resourceVersion: "1", values: map[string]string{"a": "1"}}
	unversioned := snapshot{exists: true, values: map[string]string{"a": "1"}}
	if (snapshot{exists: true, values: map[string]string{"a": "2"}}).sameAs(unversioned) {
		t.Error("two snapshots without resourceVersion but different values are the same")
	}
	for _, tc := range []struct {
		name string
		s    snapshot
		same bool
	}{
		{"same resourceVersion", snapshot{exists: true, resourceVersion: "1"}, true},
		{"same content, new resourceVersion", snapshot{exists: true, resourceVersion: "2", values: map[string]string{"a": "1"}}, true},
		{"changed value", snapshot{exists: true, resourceVersion: "2", values: map[string]string{"a": "2"}}, false},
		{"deleted", snapshot{resourceVersion: "2"}, false},
		{"no resourceVersion, changed value", snapshot{exists: true, values: map[string]string{"a": "2"}}, false},
	} {
		if got := tc.s.sameAs(base); got != tc.same {
			t.Errorf("%s: sameAs = %v, want %v", tc.name, got, tc.same)
		}
	}
}

func TestMailboxKeepsOnlyTheNewest(t *testing.T) {
	m := newMailbox()
	m.put(snapshot{resourceVersion: "1"})
	m.put(snapshot{resourceVersion: "2"})
	<-m.ready
	if s, ok := m.take(); !ok || s.resourceVersion != "2" {
		t.Fatalf("take = %+v, %v; want resourceVersion 2", s, ok)
	}
	if _, ok := m.take(); ok {
		t.Fatal("second take found a snapshot")
	}
}

func TestObservedUnwrapsTombstonesAndFiltersOtherConfigMaps(t *testing.T) {
	r := &follow{origin: &apiOrigin{namespace: "ns", name: "flags"}, box: newMailbox()}
	other := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "other", ResourceVersion: "5"}}
	r.observed(other, false)
	if _, ok := r.box.take(); ok {
		t.Fatal("a ConfigMap of another name was taken")
	}
	mine := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "flags", ResourceVersion: "6"},
		Data: map[string]string{"a": "1"}}
	r.observed(cache.DeletedFinalStateUnknown{Key: "ns/flags", Obj: mine}, true)
	s, ok := r.box.take()
	if !ok || s.exists || len(s.values) != 0 || s.resourceVersion != "6" {
		t.Fatalf("after a tombstone: %+v, %v; want a deletion at resourceVersion 6", s, ok)
	}
}
