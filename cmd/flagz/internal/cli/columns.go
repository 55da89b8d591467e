package cli

import (
	"fmt"
	"strings"
)

// The tables of text output (ls, status) are laid out here, in one place:
// each command lists its columns, and a column says how many characters
// its cells may take. The default output fits a terminal of screenWidth
// columns; -o wide (as kubectl's) adds the columns marked wide and shows
// each cell up to its wide limit.

// screenWidth is the width the default text output of a table fits in
// (its columns' limits and the gaps between them add up to at most this).
const screenWidth = 120

// columnGap is the space between two columns.
const columnGap = 2

// column is one column of a table.
type column struct {
	header string
	// narrow is the most characters a cell shows in the default output,
	// wide with -o wide; 0 is no limit. A longer cell is cut, ending in
	// "...".
	narrow, wide int
	// wideOnly columns are shown with -o wide only.
	wideOnly bool
}

// grid is a table of text output: rows of cells, one per column, laid out
// when flushed.
type grid struct {
	s     *session
	cols  []column // every column, shown or not
	shown []int    // the indices of the columns shown
	rows  [][]string
}

// grid starts a table with the columns cols, of which it shows those the
// output format shows.
func (s *session) grid(cols ...column) *grid {
	g := &grid{s: s, cols: cols}
	for i, c := range cols {
		if !c.wideOnly || s.wide() {
			g.shown = append(g.shown, i)
		}
	}
	return g
}

// add adds a row: one cell per column given to grid, in their order,
// wide-only ones included. Each is shown printable, cut to its column's
// limit.
func (g *grid) add(cells ...string) {
	row := make([]string, 0, len(g.shown))
	for _, i := range g.shown {
		c, cell := g.cols[i], ""
		if i < len(cells) {
			cell = cells[i]
		}
		limit := c.narrow
		if g.s.wide() {
			limit = c.wide
		}
		row = append(row, clipTo(printable(cell), limit))
	}
	g.rows = append(g.rows, row)
}

// flush writes the table out: the header, then the rows, aligned.
func (g *grid) flush() error {
	headers := make([]string, 0, len(g.shown))
	for _, i := range g.shown {
		headers = append(headers, g.cols[i].header)
	}
	t := g.s.table(headers...)
	for _, row := range g.rows {
		// The cells are printable already: no tab or newline is in one.
		fmt.Fprintln(t.tw, strings.Join(row, "\t"))
	}
	return t.flush()
}

// fits reports whether the columns' narrow limits and gaps fit screenWidth:
// a table whose every narrow column has a limit never exceeds it.
func fits(cols []column) bool {
	total := 0
	for _, c := range cols {
		if c.wideOnly {
			continue
		}
		if c.narrow == 0 {
			return false
		}
		total += max(c.narrow, len([]rune(c.header))) + columnGap
	}
	return total-columnGap <= screenWidth
}

// clipTo shortens s to at most n characters (runes), ending in "...";
// n = 0 leaves it whole.
func clipTo(s string, n int) string {
	if n <= 0 {
		return s
	}
	runes := []rune(s)
	if len(runes) <= n {
		return s
	}
	if n <= 3 {
		return string(runes[:n])
	}
	return string(runes[:n-3]) + "..."
}
