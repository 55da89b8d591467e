package debug

import (
	_ "embed"
	"html/template"
	"time"

	"github.com/flagz-go/flagz/record"
)

// problemView is a source's problem (record.Problem: a snapshot file it
// cannot write, a presence record it cannot publish) as the page shows it,
// in its source's row.
type problemView struct {
	record.Problem
	Since, When string
}

func problemViews(now time.Time, list []record.Problem) []problemView {
	var out []problemView
	for _, p := range list {
		out = append(out, problemView{Problem: p, Since: since(now, p.Since), When: p.Since.Format(time.RFC3339Nano)})
	}
	return out
}

//go:embed problems.html.tmpl
var problemsTemplateText string

// The fragment "problems" renders a source's problems (a []problemView).
var _ = template.Must(pageTemplate.New("problems").Parse(problemsTemplateText))
