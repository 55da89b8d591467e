package source

import (
	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
)

// settled records the state a full snapshot leaves the source in: SERVING,
// or DEGRADED with partial when some names of the origin could not be read
// (Snapshot.Partial). It logs once per new reason.
func (r *Runtime) settled(src *flagz.Source, partial error) {
	if partial == nil {
		r.serving(src)
		return
	}
	prev := src.Status()
	r.trouble(src, partial, false)
	if prev.State != record.StateDegraded || ownReason(prev) != partial.Error() {
		r.log.Warn("flagz: some names of the origin cannot be read; the others apply and these keep their values", "error", partial)
	}
}
