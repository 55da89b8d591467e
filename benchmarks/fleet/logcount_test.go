package fleet

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
)

// warnings counts the warnings and errors the followers' watchers log (a
// lost watch, etcd unreachable, a failed presence write), by message, and
// drops everything below: the audit log of every change is Info and costs
// nothing but the level check.
type warnings struct {
	mu    sync.Mutex
	count map[string]int // "message: error" → records
}

func newWarnings() *warnings { return &warnings{count: map[string]int{}} }

// logger returns a logger whose warnings w counts.
func (w *warnings) logger() *slog.Logger { return slog.New(warnHandler{w: w}) }

// total returns how many warnings and errors were logged.
func (w *warnings) total() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, c := range w.count {
		n += c
	}
	return n
}

// String lists the messages logged, most frequent first.
func (w *warnings) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	keys := slices.SortedFunc(maps.Keys(w.count), func(a, b string) int { return w.count[b] - w.count[a] })
	s := ""
	for _, k := range keys {
		s += fmt.Sprintf("\n  %d× %s", w.count[k], k)
	}
	return s
}

// warnHandler keys a record by its message and error. It keeps no
// attributes of the logger (WithAttrs): what it holds is not the
// followers' memory.
type warnHandler struct{ w *warnings }

func (h warnHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (h warnHandler) Handle(_ context.Context, r slog.Record) error {
	key := r.Message
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "error" || a.Key == "reason" {
			key += ": " + a.Value.String()
		}
		return true
	})
	h.w.mu.Lock()
	h.w.count[key]++
	h.w.mu.Unlock()
	return nil
}

func (h warnHandler) WithAttrs([]slog.Attr) slog.Handler { return h }

func (h warnHandler) WithGroup(string) slog.Handler { return h }
