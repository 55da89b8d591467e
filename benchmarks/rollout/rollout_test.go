package rollout

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	growthbook "github.com/growthbook/growthbook-golang"
	"github.com/launchdarkly/go-sdk-common/v3/ldcontext"
	"github.com/launchdarkly/go-sdk-common/v3/ldvalue"
	evaluation "github.com/launchdarkly/go-server-sdk-evaluation/v3"
	"github.com/launchdarkly/go-server-sdk-evaluation/v3/ldbuilders"
	"github.com/launchdarkly/go-server-sdk-evaluation/v3/ldmodel"
	"github.com/spf13/pflag"
)

// key is the 16-byte key every case checks.
const key = "user-1234567890a"

const salt = "checkout-v2"

var (
	fs      = pflag.NewFlagSet("bench", pflag.ContinueOnError)
	percent = flagz.DynRollout(fs, "percent", flagz.Rollout{BasisPoints: 2500, Salt: salt}, "")
	lists   = flagz.DynRollout(fs, "lists", flagz.Rollout{BasisPoints: 2500, Salt: salt,
		On: []string{"alice", "bob", "qa-1", "qa-2"}, Off: []string{"carol", "dave"}}, "")
	ramp = flagz.DynRollout(fs, "ramp", flagz.Rollout{Salt: salt, Ramp: &flagz.Ramp{From: 500, To: 10000,
		Start: time.Now().Add(-time.Hour), End: time.Now().Add(24 * time.Hour)}}, "")
)

// ldFlag is LaunchDarkly's equivalent: on, false for 75% and true for 25%
// of context keys (weights are in thousandths of a percent).
var ldFlag = ldbuilders.NewFlagBuilder("new-checkout").On(true).Salt(salt).
	Variations(ldvalue.Bool(false), ldvalue.Bool(true)).OffVariation(0).
	Fallthrough(ldbuilders.Rollout(ldbuilders.Bucket(0, 75000), ldbuilders.Bucket(1, 25000))).
	Build()

type noData struct{}

func (noData) GetFeatureFlag(string) *ldmodel.FeatureFlag { return nil }
func (noData) GetSegment(string) *ldmodel.Segment         { return nil }

func newGrowthBook(b *testing.B) *growthbook.Client {
	coverage := 0.25
	gb, err := growthbook.NewClient(context.Background(), growthbook.WithFeatures(growthbook.FeatureMap{
		"new-checkout": {DefaultValue: false, Rules: []growthbook.FeatureRule{
			{Id: "rollout", Force: true, Coverage: &coverage, HashAttribute: "id"},
		}},
	}))
	if err != nil {
		b.Fatal(err)
	}
	return gb
}

// keep stops the compiler from dropping an unused result.
//
//go:noinline
func keep(bool) {}

// BenchmarkEnabled checks one 16-byte key against a 25% rollout.
//   - flagz: DynRolloutValue.Enabled (an atomic load, the lists, the bucket).
//   - sha256: the floor, the same bucket computed inline from the framed
//     input built once: SHA-256, 8 bytes big-endian, modulo 10000.
//   - launchdarkly: Evaluate of a flag whose fallthrough is a 25/75
//     rollout, with the context built from the key, as per request.
//   - growthbook: EvalFeature of a feature with a 25% coverage rule, with
//     the client bound to the key's attributes, as per request.
//
// The lists case adds four keys always on and two always off; the ramp case
// moves from 5% to 100% over a day, and is also compared with the floor
// plus one read of the wall clock (time.Now), which a ramp needs.
func BenchmarkEnabled(b *testing.B) {
	framed := []byte(salt + "\x00" + key)
	floor := func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sum := sha256.Sum256(framed)
			keep(binary.BigEndian.Uint64(sum[:8])%10000 < 2500)
		}
	}
	b.Run("percent/flagz", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			keep(percent.Enabled(key))
		}
	})
	b.Run("percent/sha256", floor)
	ld := evaluation.NewEvaluator(noData{})
	b.Run("percent/launchdarkly", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			keep(ld.Evaluate(&ldFlag, ldcontext.New(key), nil).Detail.Value.BoolValue())
		}
	})
	gb := newGrowthBook(b)
	ctx := context.Background()
	b.Run("percent/growthbook", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			client, err := gb.WithAttributes(growthbook.Attributes{"id": key})
			if err != nil {
				b.Fatal(err)
			}
			keep(client.EvalFeature(ctx, "new-checkout").On)
		}
	})

	b.Run("lists/flagz", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			keep(lists.Enabled(key))
		}
	})
	b.Run("lists/sha256", floor)
	b.Run("ramp/flagz", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			keep(ramp.Enabled(key))
		}
	})
	b.Run("ramp/sha256", floor)
	b.Run("ramp/sha256+clock", func(b *testing.B) { // the floor plus the wall clock a ramp reads
		b.ReportAllocs()
		for b.Loop() {
			sum := sha256.Sum256(framed)
			keep(binary.BigEndian.Uint64(sum[:8])%10000 < uint64(time.Now().UnixMilli()%10000))
		}
	})
}
