package flagz

import (
	"fmt"
	"strings"
	"time"
)

// DynRolloutValue is a dynamic gradual-rollout flag: Enabled(key) says
// whether a feature is on for one user, host or tenant. Get returns the
// Rollout in force, a shared snapshot.
type DynRolloutValue struct {
	*Dyn[Rollout]
}

// DynRollout declares a dynamic gradual-rollout flag on fs; Type() is
// "dyn_rollout". value is its default; an empty Salt means the flag's name.
// DynRollout panics if value is out of range, as flag redeclaration does:
// it is a programming error found at start-up.
//
// Input is the text form a person writes with etcdctl or in a ConfigMap,
// words separated by white space:
//
//	rollout = share *( " " option )
//	share   = percent | "ramp " percent ".." percent " " instant ".." instant
//	percent = 1*DIGIT [ "." 1*2DIGIT ] "%"      ; 0% to 100% in steps of 0.01%
//	instant = RFC 3339 date-time                 ; 2026-12-01T10:00:00Z
//	option  = "salt=" salt | "on=" keys | "off=" keys
//	salt    = *( any character but white space )
//	keys    = key *( "," key )
//	key     = 1*( any character but white space and "," )
//
// such as "5%", "12.5% salt=checkout-v2 on=alice,bob off=carol" or
// "ramp 5%..100% 2026-12-01T10:00:00Z..2026-12-08T10:00:00Z" (each option
// at most once; on= lists keys always enabled, off= keys never enabled).
// Input starting with "{" is the JSON form, which can also hold salts and
// keys with white space or commas:
//
//	{"percent": 12.5, "salt": "checkout-v2", "on": ["alice"], "off": ["carol"]}
//	{"ramp": {"from": 5, "to": 100, "start": "2026-12-01T10:00:00Z", "end": "2026-12-08T10:00:00Z"}}
//
// String writes the text form (the JSON form only when a salt or key does
// not fit in a word), with the lists sorted, instants in UTC and a salt
// equal to the flag's name left out; Set(String()) gives an equal value.
func DynRollout[F FlagSet](fs F, name string, value Rollout, usage string) *DynRolloutValue {
	def, err := normalizeRollout(value, name)
	if err != nil {
		panic(fmt.Sprintf("flagz: DynRollout %q: bad default: %v", name, err))
	}
	var d *DynRolloutValue
	c := rolloutCodec(name, func() bool { return d.isSensitive() })
	d = &DynRolloutValue{buildDyn(name, def, c)}
	registerDyn(fs, d.Dyn, d, usage)
	return d
}

// rolloutCodec is the codec of the rollout flag called name; sensitive
// tells whether it is sensitive now.
func rolloutCodec(name string, sensitive func() bool) *codec[Rollout] {
	return &codec[Rollout]{
		typeName: "dyn_rollout",
		parse: func(s string) (Rollout, error) {
			r, err := parseRollout(s)
			if err == nil {
				r, err = normalizeRollout(r, name)
			}
			if err != nil && sensitive() {
				return Rollout{}, errSensitiveRollout // the detailed reasons quote parts of the input
			}
			return r, err
		},
		format: func(r Rollout) string { return formatRollout(r, name) },
		equal:  equalRollouts,
		safe:   true,
	}
}

// Enabled reports whether the feature is on for key now: false if key is
// always off, true if it is always on, otherwise whether RolloutBucket(salt,
// key) is below the share in force (read from the wall clock under a ramp).
// The empty key is enabled only at 100%. Enabled takes no lock and
// allocates nothing for a salt and key of up to 1 KiB together.
func (d *DynRolloutValue) Enabled(key string) bool {
	return d.ptr.Load().v.enabledAt(key, time.Now)
}

// EnabledAt is Enabled as it would answer at t (under a ramp; without one
// the answer does not depend on time).
func (d *DynRolloutValue) EnabledAt(key string, t time.Time) bool {
	return d.ptr.Load().v.enabledAt(key, func() time.Time { return t })
}

// Describe returns the value as a person reads it, with the share in force
// now: "25% (salt checkout-v2)", "37.5% now, ramping 5% → 100% from … to …".
// The debug page shows it beside the canonical String. A sensitive flag
// describes itself as "[redacted]".
func (d *DynRolloutValue) Describe() string {
	if d.isSensitive() {
		return Redacted
	}
	return describeRollout(d.Get(), d.name, time.Now())
}

// errSensitiveRollout is the parse error of a sensitive rollout flag: a
// fixed text, which its ValueError may carry (see ValueError).
var errSensitiveRollout error = fixedText("not a rollout value: " + rolloutSyntax)

// describedKeys is how many keys of each list Describe names.
const describedKeys = 5

func describeRollout(r Rollout, name string, now time.Time) string {
	var b strings.Builder
	if p := r.Ramp; p == nil {
		b.WriteString(formatPercent(r.BasisPoints) + "%")
	} else {
		bp := p.BasisPointsAt(now)
		from, to := formatPercent(p.From)+"%", formatPercent(p.To)+"%"
		start, end := formatInstant(p.Start), formatInstant(p.End)
		switch ms := now.UnixMilli(); {
		case ms < p.Start.UnixMilli():
			fmt.Fprintf(&b, "%s until %s, then ramping to %s by %s", from, start, to, end)
		case ms < p.End.UnixMilli():
			fmt.Fprintf(&b, "%s%% now, ramping %s → %s from %s to %s", formatPercent(bp), from, to, start, end)
		default:
			fmt.Fprintf(&b, "%s (ramp from %s ended %s)", to, from, end)
		}
	}
	var details []string
	if r.Salt != name {
		details = append(details, "salt "+r.Salt)
	}
	if len(r.On) > 0 {
		details = append(details, "always on: "+describeKeys(r.On))
	}
	if len(r.Off) > 0 {
		details = append(details, "always off: "+describeKeys(r.Off))
	}
	if len(details) > 0 {
		b.WriteString(" (" + strings.Join(details, "; ") + ")")
	}
	return b.String()
}

func describeKeys(keys []string) string {
	if len(keys) <= describedKeys {
		return strings.Join(keys, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(keys[:describedKeys], ", "), len(keys)-describedKeys)
}

// WithValidator adds a validator; see Dyn.WithValidator.
func (d *DynRolloutValue) WithValidator(validator func(Rollout) error) *DynRolloutValue {
	d.Dyn.WithValidator(validator)
	return d
}

// WithNotifier adds a notifier; see Dyn.WithNotifier. A ramp moving with
// the clock is no change: notifiers run when the flag is set.
func (d *DynRolloutValue) WithNotifier(notifier func(oldValue, newValue Rollout)) *DynRolloutValue {
	d.Dyn.WithNotifier(notifier)
	return d
}

// WithSensitive marks the value secret; see Dyn.WithSensitive.
func (d *DynRolloutValue) WithSensitive() *DynRolloutValue {
	d.Dyn.WithSensitive()
	return d
}

// WithFileFlag adds a "<name>_path" companion flag; see Dyn.WithFileFlag.
func (d *DynRolloutValue) WithFileFlag(defaultFilePath string) *DynRolloutValue {
	d.Dyn.WithFileFlag(defaultFilePath)
	return d
}
