package source

// A RevisionsFromZero origin has revisions, and lists at revision 0 while
// it was never written: an empty NATS JetStream bucket, whose first write
// is revision 1. The runtime keeps that 0 as the origin's revision, and
// follows from it. A snapshot at revision 0 from any other origin means
// that the origin has no revisions (a directory, a file): the runtime
// numbers its distinct snapshots instead (1, 2, …), which for an origin
// with revisions would make Follow start after its first write.
type RevisionsFromZero interface {
	Origin
	// RevisionsFromZero marks the origin; the runtime never calls it.
	RevisionsFromZero()
}

// ownRevision reports whether revision is the origin's own: not 0, or 0 of
// an origin whose revisions start there.
func (r *Runtime) ownRevision(revision int64) bool {
	_, fromZero := r.origin.(RevisionsFromZero)
	return revision != 0 || fromZero
}
