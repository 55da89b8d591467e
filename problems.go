package flagz

import (
	"slices"
	"strings"
	"time"

	"github.com/flagz-go/flagz/record"
)

// setProblem records that the source has the problem called name (err not
// nil), or no longer has it (err nil), and reports whether the problem
// started or ended with this call. A problem that goes on keeps its Since
// and takes the new error. When one starts or ends, subscribers get an
// Event with the source's status, which lists its problems.
func (s *Source) setProblem(name string, err error) (started, ended bool) {
	s.stMu.Lock()
	i := slices.IndexFunc(s.problems, func(p record.Problem) bool { return p.Name == name })
	var problems []record.Problem // replaced, never modified: readers share it
	switch {
	case err == nil && i < 0:
		s.stMu.Unlock()
		return false, false
	case err == nil:
		problems = slices.Delete(slices.Clone(s.problems), i, i+1)
		ended = true
	case i < 0:
		problems = append(slices.Clone(s.problems), record.Problem{Name: name, Err: err.Error(), Since: time.Now()})
		slices.SortFunc(problems, func(a, b record.Problem) int { return strings.Compare(a.Name, b.Name) })
		started = true
	case s.problems[i].Err == err.Error():
		s.stMu.Unlock()
		return false, false
	default:
		problems = slices.Clone(s.problems)
		problems[i].Err = err.Error()
	}
	if len(problems) == 0 {
		problems = nil
	}
	s.problems = problems
	st := s.statusLocked()
	s.stMu.Unlock()
	if started || ended {
		s.e.publish(Event{Time: time.Now(), Source: s.name, State: &st})
	}
	return started, ended
}

// clearProblems ends every problem of the source (it stopped: what failed
// is no longer tried) and returns them.
func (s *Source) clearProblems() []record.Problem {
	s.stMu.Lock()
	cleared := s.problems
	s.problems = nil
	st := s.statusLocked()
	s.stMu.Unlock()
	if len(cleared) > 0 {
		s.e.publish(Event{Time: time.Now(), Source: s.name, State: &st})
	}
	return cleared
}
