package debug

import (
	_ "embed"
	"html/template"
	"time"

	"github.com/flagz-go/flagz/record"
)

// Problem is a failure of a source that does not stop it from serving
// values but that an operator must see (record.Problem): its snapshot file
// cannot be written ("snapshot"), its presence record cannot be published
// ("presence"). It lasts until what failed succeeds again.
type Problem struct {
	// Name is short and stable, as the metric flagz_source_problem labels
	// it.
	Name string `json:"name"`
	// Error is the last failure's error.
	Error string `json:"error"`
	// Since is when the problem started.
	Since time.Time `json:"since"`
}

func problems(list []record.Problem) []Problem {
	var out []Problem
	for _, p := range list {
		out = append(out, Problem{Name: p.Name, Error: p.Err, Since: p.Since})
	}
	return out
}

// problemView is a problem as the page shows it, in its source's row.
type problemView struct {
	Problem
	Since, When string
}

func problemViews(now time.Time, list []Problem) []problemView {
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
