// Package values compares reading and writing flag values in flagz with
// fortio.org/dflag and with go-flagz's design (one typed atomic per value),
// measured side by side in the same run.
package values

import (
	"math"
	"strconv"
	"sync/atomic"
	"time"
)

// The go-flagz design: each type has its own struct around a typed atomic,
// parsed with strconv; no validators or notifiers in the hot path.

type atomicInt64 struct{ v atomic.Int64 }

func (a *atomicInt64) Get() int64 { return a.v.Load() }
func (a *atomicInt64) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, 64)
	if err != nil {
		return err
	}
	a.v.Store(n)
	return nil
}

type atomicBool struct{ v atomic.Bool }

func (a *atomicBool) Get() bool { return a.v.Load() }

type atomicFloat64 struct{ bits atomic.Uint64 }

func (a *atomicFloat64) Get() float64 { return math.Float64frombits(a.bits.Load()) }

type atomicDuration struct{ v atomic.Int64 }

func (a *atomicDuration) Get() time.Duration { return time.Duration(a.v.Load()) }

// atomicRef is go-flagz's unsafe.Pointer swap for strings, slices, maps and
// JSON, written with the typed atomic.Pointer of today.
type atomicRef[T any] struct{ p atomic.Pointer[T] }

func newAtomicRef[T any](v T) *atomicRef[T] {
	r := &atomicRef[T]{}
	r.p.Store(&v)
	return r
}

func (a *atomicRef[T]) Get() T    { return *a.p.Load() }
func (a *atomicRef[T]) Store(v T) { a.p.Store(&v) }
