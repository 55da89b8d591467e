package watcher

import (
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/checksumform"
	"github.com/flagz-go/flagz/internal/fnv"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher/presence"
)

// presenceState is what a watcher with WithPresence publishes, and the
// writer that publishes it. The runtime hands it every batch it applies,
// with the report the engine returned for it (batchApplied, through
// etcdOrigin.Applied); Follow tells it, once a watch response is handled, of
// the revision the flags are at (advance); the engine tells it of state
// changes. A nil *presenceState (presence off) ignores all of it.
type presenceState struct {
	writer *presenceWriter
	base   presence.Record // who the process is
	engine *flagz.Engine
	source string
	status func() record.SourceStatus
	canary *canaryOverlay // the canaries this process is in (Status.Canary)
	health *selfHealth    // WithHealth; nil without
	// refreshSeconds is the writer's refresh period, as records give it.
	refreshSeconds int64

	// rev is the revision the flags are at: moved only after the batches up
	// to it were applied and their rejections recorded, so a record never
	// claims a revision whose outcome it lacks.
	rev atomic.Int64

	mu         sync.Mutex
	rejections map[string]presence.Rejection // by flag: what it refuses now (nil: nothing)
	refused    []presence.Rejection          // the last refusals, ended or not (Record.Refused)

	// Used by the writer's goroutine only: a hash of the info last built
	// (identity, schema, static values), built again only when the
	// fingerprint of the flags changes or infoRecheck has passed, and its
	// version, which changes when the hash does. The info itself is not
	// kept: it is built again on the rare writes that carry it.
	infoRecheck  time.Duration
	fingerprint  fingerprint
	infoChecked  time.Time
	infoHash     uint64 // maphash of the info's JSON, with infoSeed
	infoVer      uint64
	dynamicCount int // values in the last status: the next one's size
}

// batchApplied records what became of the batch of revision rev the
// runtime has just applied, as report says: a value refused is a current
// rejection of its flag until any other outcome of that flag (applied,
// unchanged, removed), but for a static flag's change that waits for a
// restart, which stays while its source still holds it. The flags are then
// at rev.
func (ps *presenceState) batchApplied(rev int64, report flagz.Report) {
	if ps == nil {
		return
	}
	now := time.Now().UTC()
	ps.mu.Lock()
	for _, o := range report {
		switch o.Result {
		case record.Rejected, record.RestartRequired:
			// Kept cut (presence.Cut), as published: a refused value of
			// megabytes is not held on to.
			rej := presence.Rejection{Flag: o.Flag, Revision: rev, Value: presence.Cut(o.Value),
				Reason: presence.Cut(refusal(o.Err)), At: now}
			if o.Value == flagz.Redacted {
				rej.Value = "" // sensitive: no text of the value, not even the placeholder
			}
			if ps.rejections == nil {
				ps.rejections = map[string]presence.Rejection{}
			}
			ps.rejections[o.Flag] = rej
			ps.refused = append(ps.refused, rej)
			if n := len(ps.refused) - presence.MaxRefused; n > 0 {
				ps.refused = slices.Delete(ps.refused, 0, n)
			}
		case record.Unchanged:
			if _, rejecting := ps.rejections[o.Flag]; rejecting && !ps.awaitsRestart(o.Flag) {
				delete(ps.rejections, o.Flag)
			}
		default:
			delete(ps.rejections, o.Flag)
		}
	}
	ps.mu.Unlock()
	ps.seen(rev)
}

// awaitsRestart reports whether the source still holds a value of the
// static flag called name that takes effect at the next restart: a listing
// that finds it again reports it unchanged.
func (ps *presenceState) awaitsRestart(name string) bool {
	st, ok := ps.engine.Flag(name)
	if !ok {
		return false
	}
	for _, p := range st.Pending {
		if p.Source == ps.source && !p.CommandLine {
			return true
		}
	}
	return false
}

// refusal is why a value was refused, without the flag's name and input
// (the engine's Rejection.Reason).
func refusal(err error) string {
	var ve *flagz.ValueError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &ve):
		return fmt.Sprintf("%v: %v", ve.Kind, ve.Reason)
	}
	return err.Error()
}

// advance records that every write to the prefix up to rev has been
// handled, and asks for the record to be written.
func (ps *presenceState) advance(rev int64) {
	if ps == nil {
		return
	}
	ps.seen(rev)
	ps.writer.changed()
}

// seen records that the flags are current up to rev (a progress
// notification) without asking for a write: the next one will say so.
func (ps *presenceState) seen(rev int64) {
	if ps == nil {
		return
	}
	for {
		old := ps.rev.Load()
		if rev <= old || ps.rev.CompareAndSwap(old, rev) {
			return
		}
	}
}

// encode builds the value of the status key as it is now, and refreshes
// the info (refreshInfo) when what it holds may have changed.
func (ps *presenceState) encode() ([]byte, error) {
	st := presence.Status{ID: ps.base.ID}
	st.Revision = ps.rev.Load() // first: what follows is at least as new
	status := ps.status()
	st.State = status.State.String()
	st.Problems = publishedProblems(status.Problems)
	st.RefreshSeconds = ps.refreshSeconds
	st.Checksum = checksumform.Text(ps.engine.DynamicChecksum())
	st.Rejections, st.Refused = ps.currentRejections()
	st.Canary = ps.canary.memberships()
	st.Health = ps.health.get()
	st.Values = make(map[string]string, ps.dynamicCount)
	// One visit of the flags gives the dynamic values and a fingerprint of
	// what the info holds but constraints: a flag added, a static value
	// set. Constraints are compared at least once per infoRecheck.
	fp := fingerprint(fnv.Offset)
	ps.engine.VisitFlags(func(f *flagz.FlagState) bool {
		fp = fp.add(f.Name).add(f.Type).add(f.Usage).add(f.Default).flag(f.Dynamic).flag(f.Sensitive)
		switch {
		case !f.Dynamic:
			fp = fp.add(f.Value)
		case !f.Sensitive:
			st.Values[f.Name] = f.Value
		}
		return true
	})
	ps.dynamicCount = len(st.Values)
	st.Updated = time.Now().UTC()
	if ps.infoVer == 0 || fp != ps.fingerprint || time.Since(ps.infoChecked) >= ps.infoRecheck {
		if err := ps.refreshInfo(fp); err != nil {
			return nil, err
		}
	}
	return presence.EncodeStatus(st)
}

// refreshInfo builds the info again, and gives it a new version if it
// differs from the one published: the writer then writes it with the next
// status.
func (ps *presenceState) refreshInfo(fp fingerprint) error {
	out, err := ps.buildInfo()
	if err != nil {
		return err
	}
	ps.fingerprint, ps.infoChecked = fp, time.Now()
	if h := maphash.Bytes(infoSeed, out); h != ps.infoHash || ps.infoVer == 0 {
		ps.infoHash = h
		ps.infoVer++
	}
	return nil
}

// buildInfo returns the value of the info key as it is now.
func (ps *presenceState) buildInfo() ([]byte, error) {
	info, _ := ps.base.Split()
	info.Flags = ps.engine.Schema()
	ps.engine.VisitFlags(func(f *flagz.FlagState) bool {
		if !f.Dynamic && !f.Sensitive {
			if info.Values == nil {
				info.Values = map[string]string{}
			}
			info.Values[f.Name] = f.Value
		}
		return true
	})
	return presence.EncodeInfo(info)
}

// infoVersion is the version of the info as the last encode found it,
// which changes whenever the info does.
func (ps *presenceState) infoVersion() uint64 { return ps.infoVer }

// infoSeed seeds the hashes of the info: they are compared within the
// process only.
var infoSeed = maphash.MakeSeed()

// fingerprint is an FNV-1a hash of what the info key says, but the
// constraints.
type fingerprint uint64

func (h fingerprint) add(s string) fingerprint {
	return fingerprint(fnv.Hash(h).AddString(s).AddByte(0xff)) // ends the field: "ab","c" is not "a","bc"
}

func (h fingerprint) flag(b bool) fingerprint {
	if b {
		return fingerprint(fnv.Hash(h).AddByte(1))
	}
	return fingerprint(fnv.Hash(h).AddByte(2))
}

// currentRejections returns the rejections of now, by flag name, and the
// last refusals, oldest first.
func (ps *presenceState) currentRejections() (current, refused []presence.Rejection) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	refused = slices.Clone(ps.refused)
	if len(ps.rejections) == 0 {
		return nil, refused
	}
	current = slices.Collect(maps.Values(ps.rejections))
	slices.SortFunc(current, func(a, b presence.Rejection) int { return strings.Compare(a.Flag, b.Flag) })
	return current, refused
}
