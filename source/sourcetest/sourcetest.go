// Package sourcetest is the conformance suite of flagz sources: one set of
// tests that every source passes, whatever its origin, the way
// testing/fstest.TestFS checks any fs.FS.
//
// A source's tests give Run a Harness that can write to, delete from, and
// cut off a real origin (an embedded etcd, a directory written as the
// kubelet writes it, a kube-apiserver):
//
//	func TestConformance(t *testing.T) {
//		sourcetest.Run(t, func(t *testing.T) sourcetest.Harness { return newEtcdHarness(t) })
//	}
//
// Run checks the behaviour flagz promises for every source: the initial
// load with bad and unknown entries, an update, a delete returning the flag
// to its default, a bad value keeping the last good one, a static flag
// changed after start-up waiting for a restart, a second Initialize
// reconciling instead of loading, an outage (DEGRADED, last good values
// kept) and the recovery that reconciles what changed meanwhile, a storm of
// 1,000 updates notified in order, panicking validators and notifiers,
// the lifecycle errors, Stop twice, during an outage, before Start and
// during an Initialize (which it ends when the origin holds it, see
// Holder), Run ended by its context or by Stop, a batch held by a validator
// that blocks (the source says what it waits on, Stop returns all the
// same), and no goroutine left behind.
package sourcetest

import (
	"context"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
)

// Source is what every flagz source offers: its lifecycle and its status.
// Every source built on source.Runtime has these methods.
type Source interface {
	Initialize(ctx context.Context) (flagz.Report, error)
	Start(ctx context.Context) error
	Stop()
	Run(ctx context.Context) error
	Status() record.SourceStatus
}

// Harness drives one origin for the suite. Run makes a new one for each
// test: it starts as an empty origin that can be read (an empty etcd
// prefix, an empty ConfigMap).
type Harness interface {
	// NewSource returns a source, not yet initialized, that applies the
	// origin to fs under the given name. It should retry quickly after a
	// failure (a backoff of tens of milliseconds) and notice an outage
	// within seconds. The harness stops it when the test ends.
	NewSource(t *testing.T, fs *pflag.FlagSet, name string) Source
	// Set writes each name with its value to the origin, as an operator
	// would (one change; for origins of whole versions, one new version).
	Set(t *testing.T, values map[string]string)
	// Delete removes the names from the origin.
	Delete(t *testing.T, names ...string)
	// Cut makes the origin unreachable for the sources (the network cut, the
	// directory gone) without losing its content; Set and Delete still
	// change that content meanwhile, and Restore makes it reachable again,
	// as it is then.
	Cut(t *testing.T)
	Restore(t *testing.T)
}

// A Settler is a Harness whose clients keep goroutines of their own between
// requests, such as idle HTTP/2 connections: Settle lets them go, so that
// the suite can tell them from goroutines a stopped source left behind.
type Settler interface {
	Settle(t *testing.T)
}

// Timeout bounds every wait of the suite for a condition; it is generous,
// for slow machines under the race detector. Speed is not what the suite
// measures.
var Timeout = 60 * time.Second

// Run runs the suite against the harnesses newHarness makes, each test in
// a subtest of its own.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			test.run(t, newHarness(t))
		})
	}
}

var tests = []struct {
	name string
	run  func(t *testing.T, h Harness)
}{
	{"InitialLoad", testInitialLoad},
	{"Update", testUpdate},
	{"FirstWriteToAnEmptyOrigin", testFirstWriteToAnEmptyOrigin},
	{"DeleteReturnsDefault", testDelete},
	{"BadValueKeepsLastGood", testBadValue},
	{"StaticAfterStartNeedsRestart", testStaticAfterStart},
	{"SecondInitializeReconciles", testSecondInitialize},
	{"OutageDegradesAndRecoveryReconciles", testOutage},
	{"StormInOrder", testStorm},
	{"PanickingValidatorAndNotifier", testPanics},
	{"LifecycleErrors", testLifecycleErrors},
	{"StopTwiceAndDuringOutage", testStop},
	{"StopBeforeStart", testStopBeforeStart},
	{"StopDuringInitialize", testStopDuringInitialize},
	{"RunUntilContextEnds", testRun},
	{"RunStoppedElsewhere", testRunStoppedElsewhere},
	{"StopWhileAValidatorBlocks", testStopWhileAValidatorBlocks},
	{"NoGoroutineLeftBehind", testNoLeak},
}
