package cli

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/flagz-go/flagz"
	"github.com/spf13/pflag"
)

// lsFlag is one row of ls: a flag some live process declares, or a key in
// etcd no live process declares.
type lsFlag struct {
	Name     string   `json:"name"`
	Types    []string `json:"types"`    // distinct types the processes declare (one, normally)
	Dynamic  bool     `json:"dynamic"`  // dynamic in every declaring process
	Defaults []string `json:"defaults"` // distinct defaults
	Usage    string   `json:"usage,omitempty"`
	Etcd     *keyView `json:"etcd"` // the key, or null: the processes use their default
	Holders  holders  `json:"processes"`
}

// holders counts the live processes by what they hold for one flag.
type holders struct {
	Declaring int `json:"declaring"`
	Applied   int `json:"applied"`  // hold etcd's value: reported its mod revision, no rejection of it
	Rejected  int `json:"rejected"` // rejected etcd's value (they hold their last good one)
	Behind    int `json:"behind"`   // have not reported the key's mod revision yet
	Default   int `json:"default"`  // no key: hold their declared default
	Static    int `json:"static"`   // a static flag: what etcd held when they started
	// Values counts the processes by the value they hold, from the values
	// their records publish (never a sensitive flag's).
	Values map[string]int `json:"values,omitempty"`
}

func lsCommand() *command {
	return &command{
		name:    "ls",
		summary: "list every flag a live process declares, its value in etcd, who holds it",
		details: `
One row per flag any live process declares (from their presence records),
plus keys in etcd no live process declares. Per flag: type, the value in
etcd and its mod revision (none: the processes use their default) and how
many processes hold which value, computed from the presence records:

  applied   the process reported a revision at or past the key's mod
            revision and lists no rejection of it: it holds etcd's value
  rejected  it lists a rejection of the flag at that revision: it keeps
            its last good value
  behind    it has not reported that revision yet
  default   there is no key: it holds its declared default
  static    a static flag: it holds what it read at start

The table fits 120 columns: long names and values are cut ("..."). With
-o wide it also shows each flag's DEFAULT and HOLDING, which counts the
processes by the value they report holding (records publish the value of
every flag that is not sensitive); -o json has everything whole. The value
of a flag any live process marks sensitive shows as [redacted].

A presence key that holds no record of the process it names (a record
under another process's key, or one that does not decode) is listed as
invalid, by key, and not counted.`,
		setup: func(fs *pflag.FlagSet) func(context.Context, *session, []string) error {
			return runLs
		},
	}
}

func runLs(ctx context.Context, s *session, args []string) error {
	if len(args) != 0 {
		return usagef("ls takes no arguments, got %d", len(args))
	}
	f, err := s.readFleet(ctx)
	if err != nil {
		return err
	}
	keys, err := s.readKeys(ctx)
	if err != nil {
		return err
	}
	rows := lsRows(f, keys)
	canaries, err := s.canaries(ctx, f)
	if err != nil {
		return err
	}
	if s.json() {
		return s.printJSON(struct {
			Processes int            `json:"processes"`
			Revision  int64          `json:"revision"`
			Flags     []lsFlag       `json:"flags"`
			Invalid   []invalidEntry `json:"invalid,omitempty"`
			Canaries  []canaryStatus `json:"canaries,omitempty"`
		}{len(f.records), keys.revision, rows, invalidEntries(f.invalid), canaries})
	}
	s.printf("%s under %s", count(len(f.records), "live process", "live processes"), s.g.flagPrefix())
	printInvalid(s, f.invalid)
	t := s.grid(lsColumns...)
	for _, r := range rows {
		value, rev := "-", "-"
		if r.Etcd != nil {
			value, rev = r.Etcd.Value, strconv.FormatInt(r.Etcd.ModRevision, 10)
		}
		t.add(r.Name, orDash(strings.Join(r.Types, "|")), value, rev, r.Holders.String(),
			orDash(strings.Join(r.Defaults, "|")), orDash(r.Holders.holding()))
	}
	if err := t.flush(); err != nil {
		return err
	}
	printCanaries(s, canaries)
	return nil
}

// lsColumns are ls's columns, in the order of its cells. The default
// output fits screenWidth: a long name or value is cut ("..."); -o wide
// adds each flag's defaults and the values the processes hold, and cuts
// only values (at 40 characters; -o json has them whole).
var lsColumns = []column{
	{header: "NAME", narrow: 30},
	{header: "TYPE", narrow: 15},
	{header: "VALUE IN ETCD", narrow: 24, wide: 40},
	{header: "REV", narrow: 10},
	{header: "PROCESSES", narrow: 29},
	{header: "DEFAULT", wide: 40, wideOnly: true},
	{header: "HOLDING", wideOnly: true},
}

// lsRows computes ls's rows, sorted by name.
func lsRows(f fleet, keys flagKeys) []lsFlag {
	byName := map[string]*lsFlag{}
	for _, r := range f.records {
		for _, s := range r.Flags {
			row, ok := byName[s.Name]
			if !ok {
				row = &lsFlag{Name: s.Name, Dynamic: true, Usage: s.Usage}
				byName[s.Name] = row
			}
			row.Types = addDistinct(row.Types, s.Type)
			row.Defaults = addDistinct(row.Defaults, s.Default)
			row.Dynamic = row.Dynamic && s.Dynamic
			row.Holders.Declaring++
			if v, ok := r.Values[s.Name]; ok && !f.sensitive(s.Name) {
				if row.Holders.Values == nil {
					row.Holders.Values = map[string]int{}
				}
				row.Holders.Values[v]++
			}
			kv, hasKey := keys.byName[s.Name]
			switch {
			case !s.Dynamic:
				row.Holders.Static++
			case !hasKey:
				row.Holders.Default++
			case rejects(r, s.Name, kv.ModRevision):
				row.Holders.Rejected++
			case r.Revision >= kv.ModRevision:
				row.Holders.Applied++
			default:
				row.Holders.Behind++
			}
		}
	}
	for name, kv := range keys.byName {
		row, ok := byName[name]
		if !ok {
			row = &lsFlag{Name: name}
			byName[name] = row
		}
		kv := kv
		if f.sensitive(name) {
			kv.Value = flagz.Redacted
		}
		row.Etcd = &kv
	}
	rows := make([]lsFlag, 0, len(byName))
	for _, r := range byName {
		rows = append(rows, *r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
	return rows
}

// String says, for people, how many processes hold what.
func (h holders) String() string {
	if h.Declaring == 0 {
		return "none declares it"
	}
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{{h.Applied, "applied"}, {h.Rejected, "rejected"}, {h.Behind, "behind"}, {h.Default, "at default"}, {h.Static, "static"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	return strings.Join(parts, ", ")
}

// holding says which values the processes hold, the most held first:
// "50 ×2, 10 ×1".
func (h holders) holding() string {
	values := make([]string, 0, len(h.Values))
	for v := range h.Values {
		values = append(values, v)
	}
	sort.Slice(values, func(i, j int) bool {
		if h.Values[values[i]] != h.Values[values[j]] {
			return h.Values[values[i]] > h.Values[values[j]]
		}
		return values[i] < values[j]
	})
	parts := make([]string, 0, len(values))
	for _, v := range values {
		parts = append(parts, fmt.Sprintf("%s ×%d", clip(v), h.Values[v]))
	}
	return strings.Join(parts, ", ")
}

func addDistinct(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// count says "1 process", "2 processes".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
