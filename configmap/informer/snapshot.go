package informer

import (
	"maps"
	"strconv"
	"sync"

	corev1 "k8s.io/api/core/v1"
)

// snapshot is the content of the ConfigMap at one resourceVersion.
type snapshot struct {
	exists          bool   // false once the ConfigMap is deleted
	resourceVersion string // as the API server sent it
	values          map[string]string
}

// snapshotOf merges data and binaryData (the API server keeps their keys
// apart); binary values are passed as their raw bytes.
func snapshotOf(cm *corev1.ConfigMap) snapshot {
	values := make(map[string]string, len(cm.Data)+len(cm.BinaryData))
	maps.Copy(values, cm.Data)
	for k, v := range cm.BinaryData {
		values[k] = string(v)
	}
	return snapshot{exists: true, resourceVersion: cm.ResourceVersion, values: values}
}

// revision is the resourceVersion as a number when it is one (it is with an
// etcd-backed API server), 0 otherwise: resourceVersions are opaque strings.
func (s snapshot) revision() int64 {
	return parseRevision(s.resourceVersion)
}

func parseRevision(resourceVersion string) int64 {
	n, err := strconv.ParseInt(resourceVersion, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// sameAs reports whether applying s after prev would change nothing: the
// same resourceVersion (a relist), or the same keys and values. An empty
// resourceVersion (fake clientsets) proves nothing.
func (s snapshot) sameAs(prev snapshot) bool {
	if s.exists == prev.exists && s.resourceVersion != "" && s.resourceVersion == prev.resourceVersion {
		return true
	}
	return maps.Equal(s.values, prev.values)
}

// mailbox holds the newest snapshot not yet applied: a burst of events
// collapses into its last state, and the event handler never blocks.
type mailbox struct {
	mu     sync.Mutex
	latest *snapshot
	puts   uint64        // how many snapshots were put
	ready  chan struct{} // has a token while latest is set
}

func newMailbox() *mailbox { return &mailbox{ready: make(chan struct{}, 1)} }

func (m *mailbox) put(s snapshot) {
	m.mu.Lock()
	m.latest = &s
	m.puts++
	m.mu.Unlock()
	m.signal()
}

// generation returns how many snapshots were put so far.
func (m *mailbox) generation() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.puts
}

// putUnlessNewer puts s only if nothing was put since generation gen: a
// state read from elsewhere never overwrites an event that came after.
func (m *mailbox) putUnlessNewer(gen uint64, s snapshot) {
	m.mu.Lock()
	if m.puts != gen {
		m.mu.Unlock()
		return
	}
	m.latest = &s
	m.puts++
	m.mu.Unlock()
	m.signal()
}

func (m *mailbox) signal() {
	select {
	case m.ready <- struct{}{}:
	default:
	}
}

// take returns the newest snapshot, if one arrived since the last take.
func (m *mailbox) take() (snapshot, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.latest == nil {
		return snapshot{}, false
	}
	s := *m.latest
	m.latest = nil
	return s, true
}
