package configmap

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"

	"github.com/flagz-go/flagz"
)

// sync reads the whole origin and hands the snapshot to the engine: Load
// when initial, Reconcile otherwise, nothing when its content is the one
// applied last (the report is then nil). report is the engine's outcome of
// every name; err is non-nil only when the origin could not be read or
// parsed, and the report is then nil.
func (w *Watcher) sync(initial bool) (report flagz.Report, err error) {
	w.syncMu.Lock()
	defer w.syncMu.Unlock()

	values, err := w.origin.read()
	if err != nil {
		err = fmt.Errorf("configmap: source %q: %w", w.src.Name(), err)
		if st := w.src.Status(); st.State != flagz.StateDegraded || st.Err != err.Error() {
			w.logger.Warn("configmap: cannot read the origin, last good values kept", "err", err)
		}
		w.src.SetState(flagz.StateDegraded, err)
		return nil, err
	}
	w.serving()

	hash := hashSnapshot(values)
	if w.loaded && hash == w.lastHash && !initial {
		w.src.Synced(w.rev)
		return nil, nil
	}
	w.rev++
	if initial {
		report = w.src.Load(w.rev, values)
	} else {
		report = w.src.Reconcile(w.rev, values)
	}
	w.loaded, w.lastHash = true, hash
	return report, nil
}

// serving marks the source SERVING, logging a recovery from DEGRADED.
func (w *Watcher) serving() {
	if st := w.src.Status(); st.State == flagz.StateDegraded {
		w.logger.Info("configmap: origin readable again")
	}
	w.src.SetState(flagz.StateServing, nil)
}

// hashSnapshot hashes names and values, sorted by name, each framed by its
// length so that {ab=c} and {a=bc} differ.
func hashSnapshot(values map[string]string) [32]byte {
	h := sha256.New()
	var n [8]byte
	for _, name := range slices.Sorted(maps.Keys(values)) {
		for _, s := range [2]string{name, values[name]} {
			binary.BigEndian.PutUint64(n[:], uint64(len(s)))
			h.Write(n[:])
			h.Write([]byte(s))
		}
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}
