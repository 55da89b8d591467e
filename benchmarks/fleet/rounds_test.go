package fleet

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

// writeRounds writes each round's samples to path.<row>, if path is not
// empty, tab-separated, a line per round: the round, then per group the
// milliseconds until all its members had the change, until all but 1% had
// it, and the member that came last. It shows which rounds make a group's
// tail, and what the other groups did in them.
func (f *fleet) writeRounds(tb testing.TB, path string) {
	if path == "" {
		return
	}
	groups := f.groups()
	out, err := os.Create(path + "." + strings.ReplaceAll(f.cfg.String(), "/", "-"))
	if err != nil {
		tb.Fatal(err)
	}
	defer out.Close()
	w := bufio.NewWriter(out)
	fmt.Fprint(w, "round")
	for _, g := range groups {
		fmt.Fprintf(w, "\t%s\t99%% of them\tlast member", g.name)
	}
	fmt.Fprintln(w)
	for i := range f.samples[f.raw.name] {
		fmt.Fprint(w, i+1)
		for _, g := range groups {
			d := f.details[g.name][i]
			fmt.Fprintf(w, "\t%.3f\t%.3f\t%d", f.samples[g.name][i].Seconds()*1000, d.most.Seconds()*1000, d.lastMember)
		}
		fmt.Fprintln(w)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
}
