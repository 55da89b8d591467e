package flagz

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The text and JSON forms of a rollout; DynRollout's documentation gives
// their grammar.

const rolloutSyntax = `want a share such as 5% or 12.5%, or a ramp such as ` +
	`"ramp 5%..100% 2026-12-01T10:00:00Z..2026-12-08T10:00:00Z", ` +
	`optionally followed by salt=NAME, on=KEY,KEY and off=KEY,KEY; ` +
	`or the JSON form {"percent": 12.5, "salt": "NAME", "on": ["KEY"], "off": ["KEY"]}`

// parseRollout reads the text or JSON form; the result is not yet
// normalized.
func parseRollout(input string) (Rollout, error) {
	s := strings.TrimSpace(input)
	if strings.HasPrefix(s, "{") {
		return parseRolloutJSON(s)
	}
	words := strings.Fields(s)
	if len(words) == 0 {
		return Rollout{}, errors.New("empty: " + rolloutSyntax)
	}
	var r Rollout
	options := words[1:]
	if words[0] == "ramp" {
		if len(words) < 3 {
			return Rollout{}, errors.New(`a ramp is written "ramp FROM..TO START..END", such as ` +
				`"ramp 5%..100% 2026-12-01T10:00:00Z..2026-12-08T10:00:00Z"`)
		}
		ramp, err := parseRamp(words[1], words[2])
		if err != nil {
			return Rollout{}, err
		}
		r.Ramp, options = &ramp, words[3:]
	} else {
		if !strings.ContainsAny(words[0], "0123456789%") {
			return Rollout{}, fmt.Errorf("%q: %s", words[0], rolloutSyntax)
		}
		bp, err := parsePercent(words[0])
		if err != nil {
			return Rollout{}, err
		}
		r.BasisPoints = bp
	}
	seen := map[string]bool{}
	for _, option := range options {
		name, value, ok := strings.Cut(option, "=")
		if !ok || (name != "salt" && name != "on" && name != "off") {
			return Rollout{}, fmt.Errorf("%q: after the share, want salt=NAME, on=KEY,KEY or off=KEY,KEY", option)
		}
		if seen[name] {
			return Rollout{}, fmt.Errorf("%s= is given twice", name)
		}
		seen[name] = true
		switch name {
		case "salt":
			r.Salt = value
		case "on":
			r.On = splitKeys(value)
		default:
			r.Off = splitKeys(value)
		}
	}
	return r, nil
}

func splitKeys(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func parseRamp(shares, instants string) (Ramp, error) {
	from, to, ok := strings.Cut(shares, "..")
	if !ok {
		return Ramp{}, fmt.Errorf("ramp shares %q: want FROM..TO, such as 5%%..100%%", shares)
	}
	start, end, ok := strings.Cut(instants, "..")
	if !ok {
		return Ramp{}, fmt.Errorf("ramp instants %q: want START..END, such as 2026-12-01T10:00:00Z..2026-12-08T10:00:00Z", instants)
	}
	var p Ramp
	var err error
	if p.From, err = parsePercent(from); err != nil {
		return Ramp{}, fmt.Errorf("ramp from: %w", err)
	}
	if p.To, err = parsePercent(to); err != nil {
		return Ramp{}, fmt.Errorf("ramp to: %w", err)
	}
	if p.Start, err = parseInstant(start); err != nil {
		return Ramp{}, fmt.Errorf("ramp start: %w", err)
	}
	if p.End, err = parseInstant(end); err != nil {
		return Ramp{}, fmt.Errorf("ramp end: %w", err)
	}
	return p, nil
}

func parseInstant(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want an RFC 3339 time such as 2026-12-01T10:00:00Z", s)
	}
	return t, nil
}

// parsePercent reads "12.5%" as 1250 basis points.
func parsePercent(s string) (int, error) {
	number, ok := strings.CutSuffix(s, "%")
	if !ok {
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return 0, fmt.Errorf("%q has no %% sign: write %s%%", s, s)
		}
		return 0, fmt.Errorf("%q: %w", s, errShare)
	}
	bp, err := parseDecimalPercent(number)
	if err != nil {
		return 0, fmt.Errorf("%q: %w", s, err)
	}
	return bp, nil
}

// parseDecimalPercent reads a percentage written DIGITS[.D[D]] as basis
// points.
func parseDecimalPercent(s string) (int, error) {
	whole, frac, dotted := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || (dotted && (frac == "" || !allDigits(frac))) {
		if strings.HasPrefix(s, "-") {
			return 0, fmt.Errorf("below 0%%: %w", errShare)
		}
		return 0, errShare
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("more than two decimals: %w", errShare)
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 3 {
		return 0, fmt.Errorf("above 100%%: %w", errShare)
	}
	bp := 0
	for _, c := range whole + (frac + "00")[:2] {
		bp = bp*10 + int(c-'0')
	}
	if bp > rolloutBuckets {
		return 0, fmt.Errorf("above 100%%: %w", errShare)
	}
	return bp, nil
}

func allDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// formatPercent writes basis points as a percentage without its % sign:
// 1250 as "12.5", 500 as "5", 1 as "0.01".
func formatPercent(bp int) string {
	s := strconv.Itoa(bp / 100)
	switch frac := bp % 100; {
	case frac == 0:
		return s
	case frac%10 == 0:
		return s + "." + strconv.Itoa(frac/10)
	default:
		return fmt.Sprintf("%s.%02d", s, frac)
	}
}

func formatInstant(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// formatRollout writes r canonically: the text form, leaving out a salt
// equal to the flag's name, or the JSON form when a salt or key cannot be
// written as a word.
func formatRollout(r Rollout, name string) string {
	salt := r.Salt
	if salt == name {
		salt = ""
	}
	if !fitsWord(salt, false) || !allFitWords(r.On) || !allFitWords(r.Off) {
		return formatRolloutJSON(r, salt)
	}
	var b strings.Builder
	if p := r.Ramp; p != nil {
		fmt.Fprintf(&b, "ramp %s%%..%s%% %s..%s", formatPercent(p.From), formatPercent(p.To),
			formatInstant(p.Start), formatInstant(p.End))
	} else {
		b.WriteString(formatPercent(r.BasisPoints) + "%")
	}
	if salt != "" {
		b.WriteString(" salt=" + salt)
	}
	if len(r.On) > 0 {
		b.WriteString(" on=" + strings.Join(r.On, ","))
	}
	if len(r.Off) > 0 {
		b.WriteString(" off=" + strings.Join(r.Off, ","))
	}
	return b.String()
}

// fitsWord reports whether s reads back as itself from the text form: no
// white space, and for a key no comma.
func fitsWord(s string, key bool) bool {
	return !strings.ContainsFunc(s, func(c rune) bool { return unicode.IsSpace(c) || (key && c == ',') })
}

func allFitWords(keys []string) bool {
	for _, key := range keys {
		if !fitsWord(key, true) {
			return false
		}
	}
	return true
}

// rolloutJSON is the JSON form. Shares are numbers of percent.
type rolloutJSON struct {
	Percent *json.Number `json:"percent,omitempty"`
	Ramp    *rampJSON    `json:"ramp,omitempty"`
	Salt    string       `json:"salt,omitempty"`
	On      []string     `json:"on,omitempty"`
	Off     []string     `json:"off,omitempty"`
}

type rampJSON struct {
	From  json.Number `json:"from"`
	To    json.Number `json:"to"`
	Start *time.Time  `json:"start"`
	End   *time.Time  `json:"end"`
}

func parseRolloutJSON(s string) (Rollout, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	var in rolloutJSON
	if err := dec.Decode(&in); err != nil {
		return Rollout{}, fmt.Errorf("JSON form: %v; %s", err, rolloutSyntax)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Rollout{}, errors.New("JSON form: text after the object")
	}
	r := Rollout{Salt: in.Salt, On: in.On, Off: in.Off}
	switch {
	case (in.Percent == nil) == (in.Ramp == nil):
		return Rollout{}, errors.New(`JSON form: want exactly one of "percent" (such as 12.5) and "ramp"`)
	case in.Percent != nil:
		bp, err := parseDecimalPercent(in.Percent.String())
		if err != nil {
			return Rollout{}, fmt.Errorf("percent %s: %w", in.Percent, err)
		}
		r.BasisPoints = bp
	default:
		ramp, err := in.Ramp.parse()
		if err != nil {
			return Rollout{}, err
		}
		r.Ramp = &ramp
	}
	return r, nil
}

func (in *rampJSON) parse() (Ramp, error) {
	if in.Start == nil || in.End == nil {
		return Ramp{}, errors.New(`JSON form: a ramp needs "from", "to", "start" and "end", such as ` +
			`{"from": 5, "to": 100, "start": "2026-12-01T10:00:00Z", "end": "2026-12-08T10:00:00Z"}`)
	}
	p := Ramp{Start: *in.Start, End: *in.End}
	var err error
	if p.From, err = parseDecimalPercent(in.From.String()); err != nil {
		return Ramp{}, fmt.Errorf("ramp from %q: %w", in.From, err)
	}
	if p.To, err = parseDecimalPercent(in.To.String()); err != nil {
		return Ramp{}, fmt.Errorf("ramp to %q: %w", in.To, err)
	}
	return p, nil
}

func formatRolloutJSON(r Rollout, salt string) string {
	out := rolloutJSON{Salt: salt, On: r.On, Off: r.Off}
	if p := r.Ramp; p != nil {
		start, end := p.Start.UTC(), p.End.UTC()
		out.Ramp = &rampJSON{From: json.Number(formatPercent(p.From)), To: json.Number(formatPercent(p.To)),
			Start: &start, End: &end}
	} else {
		n := json.Number(formatPercent(r.BasisPoints))
		out.Percent = &n
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Sprintf("!(json: %v)", err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
