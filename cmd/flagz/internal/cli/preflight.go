package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/schema"
	"github.com/flagz-go/flagz/watcher/presence"
)

// finding is one reason pre-flight found, and the processes it holds for.
type finding struct {
	Reason    string   `json:"reason"`
	Processes []string `json:"processes,omitempty"`
}

// preflightResult is what pre-flight found for one value of one flag.
type preflightResult struct {
	Processes int       `json:"processes"` // live processes
	Declaring int       `json:"declaring"` // of them, those declaring the flag
	Refusals  []finding `json:"refusals,omitempty"`
	Warnings  []finding `json:"warnings,omitempty"`
}

// refused reports whether pre-flight refuses the value.
func (p preflightResult) refused() bool { return len(p.Refusals) > 0 }

// preflight checks value for the flag name against every live process's
// published schema (as sensitive if any process marks it so), with
// flagz.Preflight: the codec of the flag's type and
// the constraints of the validators flagz ships. It refuses a value any
// process would refuse, a name no live process declares, and a static
// flag (the processes take it only at their next start). What it cannot
// check (a custom validator, a type it cannot build) is a warning: the
// wait after the write tells whether the processes took the value.
func preflight(f fleet, name, value string) preflightResult {
	res := preflightResult{Processes: len(f.records)}
	if len(f.records) == 0 {
		res.Refusals = append(res.Refusals, finding{Reason: "no live process publishes its presence under this prefix " +
			"(watcher.WithPresence), so nothing can check the value nor confirm it; --force writes it unchecked and unconfirmed"})
		return res
	}
	var declaring, missing []presence.Record
	for _, r := range f.records {
		if _, ok := schemaOf(r, name); ok {
			declaring = append(declaring, r)
		} else {
			missing = append(missing, r)
		}
	}
	res.Declaring = len(declaring)
	if len(declaring) == 0 {
		res.Refusals = append(res.Refusals, finding{
			Reason: fmt.Sprintf("no live process declares a flag %q (%d live); a typo? --force writes it anyway "+
				"(the processes report it as unknown and leave it)", name, len(f.records)),
		})
		return res
	}
	var unhealthy []presence.Record
	for _, r := range declaring {
		if r.State != "" && r.State != "SERVING" {
			unhealthy = append(unhealthy, r)
		}
	}
	if len(unhealthy) > 0 {
		res.Warnings = append(res.Warnings, finding{
			Reason:    fmt.Sprintf("%d of %d processes do not follow etcd right now (state %s): they take the value once they do", len(unhealthy), len(f.records), unhealthy[0].State),
			Processes: ids(unhealthy),
		})
	}
	if len(missing) > 0 {
		res.Warnings = append(res.Warnings, finding{
			Reason:    fmt.Sprintf("%d of %d processes do not declare %q: they report it as unknown and leave it", len(missing), len(f.records), name),
			Processes: ids(missing),
		})
	}
	byReason := map[string]*finding{}
	var order []string
	add := func(reason string, r presence.Record) {
		fd, ok := byReason[reason]
		if !ok {
			fd = &finding{Reason: reason}
			byReason[reason] = fd
			order = append(order, reason)
		}
		fd.Processes = append(fd.Processes, r.ID)
	}
	warnings := map[string]bool{}
	for _, r := range declaring {
		s, _ := schemaOf(r, name)
		// A flag another process marks sensitive is checked as one: no
		// reason quotes the value.
		s.Sensitive = s.Sensitive || f.sensitive(name)
		if !s.Dynamic {
			add(fmt.Sprintf("%q is a static flag (type %s): running processes keep their value and report "+
				"\"restart required\"; they take it at their next start", name, s.Type), r)
			continue
		}
		err := flagz.Preflight(s, value)
		switch {
		case errors.Is(err, schema.ErrUnknownType):
			reason := fmt.Sprintf("pre-flight cannot check type %s: %v", s.Type, err)
			warnings[reason] = true
			add(reason, r)
		case err != nil:
			add(err.Error(), r)
		case schema.Uncheckable(s) > 0:
			for _, reason := range uncheckable(s) {
				warnings[reason] = true
				add(reason, r)
			}
		}
	}
	for _, reason := range order {
		if warnings[reason] {
			res.Warnings = append(res.Warnings, *byReason[reason])
		} else {
			res.Refusals = append(res.Refusals, *byReason[reason])
		}
	}
	return res
}

// uncheckable says what of s's constraints pre-flight cannot check: a
// struct's validator (naming the fields it sees together) and custom
// validators.
func uncheckable(s schema.Flag) []string {
	var reasons []string
	custom := false
	for _, c := range s.Constraints {
		switch {
		case c.Kind == schema.Struct:
			reasons = append(reasons, fmt.Sprintf("%q is a field of a struct whose validator pre-flight cannot run: "+
				"it sees %s together, so a value that depends on another of them is best written with it in one transaction "+
				"(the wait after the write tells whether the processes took the value)", s.Name, strings.ReplaceAll(c.Fields, ",", ", ")))
		case schema.Uncheckable(schema.Flag{Constraints: []schema.Constraint{c}}) > 0:
			custom = true
		}
	}
	if custom {
		reasons = append(reasons, "a custom validator pre-flight cannot check (the wait after the write tells whether the processes took the value)")
	}
	return reasons
}

// printFindings writes pre-flight's findings as text, prefixed by what.
func printFindings(s *session, what string, fds []finding, total int) {
	for _, fd := range fds {
		who := ""
		if len(fd.Processes) > 0 {
			who = fmt.Sprintf(" (%d of %d processes: %s)", len(fd.Processes), total, shortList(fd.Processes, 3))
		}
		s.errorf("%s: %s%s", what, fd.Reason, who)
	}
}

// shortList joins up to n items, then says how many more.
func shortList(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}
