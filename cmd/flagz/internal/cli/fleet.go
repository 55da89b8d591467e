package cli

import (
	"context"
	"maps"
	"slices"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/schema"
	"github.com/flagz-go/flagz/watcher/presence"
)

// fleet is the live processes, as their presence records say, read at one
// etcd revision. A record counts only under its own key (presence.Read):
// the keys holding no record of the process they name are in invalid,
// used for nothing.
type fleet struct {
	records  []presence.Record // sorted by ID, redacted (see redactRecord)
	invalid  []presence.Invalid
	secret   map[string]bool // the flags any process marks sensitive
	revision int64
}

// newFleet makes the fleet of records: no text derived from the value of
// a flag any of them marks sensitive is kept (a fleet of two builds may
// disagree on which flags are).
func newFleet(records []presence.Record, invalid []presence.Invalid, revision int64) fleet {
	f := fleet{invalid: invalid, revision: revision, secret: map[string]bool{}}
	for _, r := range records {
		for _, s := range r.Flags {
			if s.Sensitive {
				f.secret[s.Name] = true
			}
		}
	}
	for _, r := range records {
		f.records = append(f.records, redactRecord(r, f.secret))
	}
	return f
}

// readFleet reads every live process's presence record under the prefix.
func (s *session) readFleet(ctx context.Context) (fleet, error) {
	rctx, cancel := s.request(ctx)
	defer cancel()
	l, err := presence.Read(rctx, s.client, s.g.flagPrefix())
	if err != nil {
		return fleet{}, s.etcdError("read the processes' presence under "+presence.Prefix(s.g.flagPrefix()), err)
	}
	return newFleet(l.Records, l.Invalid, l.Revision), nil
}

// warnInvalid warns, once per key and run, of each presence key that was
// left out.
func (s *session) warnInvalid(invalid []presence.Invalid) {
	for _, inv := range invalid {
		if s.warned[inv.Key] {
			continue
		}
		if s.warned == nil {
			s.warned = map[string]bool{}
		}
		s.warned[inv.Key] = true
		s.warnf("presence key %s left out: %s", inv.Key, inv.Err)
	}
}

// redactRecord returns r without text derived from the value of the
// flags in sensitive that r's own schema does not mark sensitive (its
// process, of another build, published them): their values, defaults, and
// the values and reasons of their refusals. A process that marks a flag
// sensitive publishes none of it, and refusal reasons without the value
// (flagz.ValueError), which are kept.
func redactRecord(r presence.Record, sensitive map[string]bool) presence.Record {
	if len(sensitive) == 0 {
		return r
	}
	own := map[string]bool{}
	cloned := false
	for i, s := range r.Flags {
		switch {
		case !sensitive[s.Name]:
		case s.Sensitive:
			own[s.Name] = true
		default:
			if !cloned {
				r.Flags, cloned = slices.Clone(r.Flags), true
			}
			r.Flags[i].Default = flagz.Redacted
		}
	}
	if r.Values != nil {
		r.Values = maps.Clone(r.Values)
		maps.DeleteFunc(r.Values, func(name, _ string) bool { return sensitive[name] })
	}
	redact := func(list []presence.Rejection) []presence.Rejection {
		list = slices.Clone(list)
		for i, rj := range list {
			if sensitive[rj.Flag] {
				list[i].Value = ""
				if !own[rj.Flag] {
					list[i].Reason = flagz.Redacted
				}
			}
		}
		return list
	}
	r.Rejections, r.Refused = redact(r.Rejections), redact(r.Refused)
	return r
}

// schemaOf returns the schema record r publishes for the flag name.
func schemaOf(r presence.Record, name string) (schema.Flag, bool) { return r.Flag(name) }

// rejectionOf returns r's refusal of the flag name if it is of the value
// written at revision rev or a later one, current or already ended by a
// rollback: the write was refused (or superseded by a value that was).
func rejectionOf(r presence.Record, name string, rev int64) (presence.Rejection, bool) {
	return r.Refusal(name, rev)
}

// sensitive reports whether any process marks the flag name sensitive.
func (f fleet) sensitive(name string) bool { return f.secret[name] }

// ids returns the IDs of records.
func ids(records []presence.Record) []string {
	out := make([]string, 0, len(records))
	for _, r := range records {
		out = append(out, r.ID)
	}
	return out
}

// rejects reports whether r lists a rejection of the value of name written
// at revision rev.
func rejects(r presence.Record, name string, rev int64) bool {
	_, ok := rejectionOf(r, name, rev)
	return ok
}

// sensitive reports whether a live process marks the flag name sensitive;
// true also when the processes cannot be read, so that no value shows.
func (s *session) sensitive(ctx context.Context, name string) bool {
	f, err := s.readFleet(ctx)
	return err != nil || f.sensitive(name)
}

// invalidEntry is a presence key left out, as JSON output shows it.
type invalidEntry struct {
	Key    string `json:"key"`
	Reason string `json:"reason"`
}

func invalidEntries(invalid []presence.Invalid) []invalidEntry {
	var out []invalidEntry
	for _, inv := range invalid {
		out = append(out, invalidEntry{Key: inv.Key, Reason: inv.Err.Error()})
	}
	return out
}

// printInvalid says, in text output, which presence keys were left out.
func printInvalid(s *session, invalid []presence.Invalid) {
	for _, inv := range invalid {
		s.printf("invalid presence record, left out: %s: %s", inv.Key, inv.Err)
	}
}
