package monitoring

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/internal/checksumform"
	"github.com/flagz-go/flagz/record"
)

// UnknownFlag is the flag label of updates naming no declared flag. All of
// them share it, so the number of series stays bounded by the declared
// flags whatever names a source holds.
const UnknownFlag = "(unknown)"

// Option configures a Collector.
type Option func(*Collector)

// WithSetName sets the "set" label of every metric. By default it is
// flagz.Engine.Name: the flag set's name, except that the command-line flag
// set (named os.Args[0]) gives the program's name, the same for every
// process of one service wherever its binary lies (`go run` included), and
// an empty name gives "default". Two flag sets registered on one registry
// need different names.
func WithSetName(name string) Option {
	return func(c *Collector) { c.set = name }
}

// WithChecksumLabel exports the checksums in go-flagz's form instead of as
// values: flagz_checksum{set, type="dynamic"|"static", checksum="<16 hex
// digits>"} 1. Dashboards written for go-flagz keep working, at the price of
// a new series every time a value changes.
func WithChecksumLabel() Option {
	return func(c *Collector) { c.checksumLabel = true }
}

// Collector is a prometheus.Collector exporting one flag set's checksums,
// update counts and source health. It holds no metric state of its own:
// every scrape reads the flag set's engine (flagz.EngineFor), so it never
// drifts from the debug page.
type Collector struct {
	engine        *flagz.Engine
	set           string
	checksumLabel bool

	checksum, updates, sourceState, lastSync, lastRevision, problem *prometheus.Desc
	cache                                                           metricCache
}

// NewCollector returns a Collector for fs. Register it with Register or a
// prometheus.Registerer of your own.
func NewCollector[F flagz.FlagSet](fs F, opts ...Option) *Collector {
	e := flagz.EngineFor(fs)
	c := &Collector{engine: e, set: e.Name()}
	for _, opt := range opts {
		opt(c)
	}
	if c.set == "" {
		c.set = "default"
	}
	set := prometheus.Labels{"set": c.set}
	if c.checksumLabel {
		c.checksum = prometheus.NewDesc("flagz_checksum",
			"Checksum of the flag set's values, as go-flagz exported it: the checksum is the label, the value is 1.",
			[]string{"type", "checksum"}, set)
	} else {
		c.checksum = prometheus.NewDesc("flagz_checksum",
			"Checksum of the current values of the flag set's flags of one kind (FNV-1a over sorted, length-framed names and values): "+
				"its top 53 bits (the 64-bit checksum shifted right by 11), exact in a float64. "+
				"The debug page and flagz status show this number beside the 16 hex digits of all 64 bits. "+
				"Equal on processes holding equal values: group them with count_values.",
			[]string{"kind"}, set)
	}
	c.updates = prometheus.NewDesc("flagz_updates_total",
		"Updates sources offered to flags, by flag, source and result (applied, rejected, restart_required, unknown). "+
			`Names no flag is declared with count under flag="`+UnknownFlag+`".`,
		[]string{"flag", "source", "result"}, set)
	c.sourceState = prometheus.NewDesc("flagz_source_state",
		"State of each source of flag values: 1 for the state it is in, 0 for the others.",
		[]string{"source", "state"}, set)
	c.lastSync = prometheus.NewDesc("flagz_source_last_sync_timestamp_seconds",
		"When the source last delivered a batch or confirmed it is current (Unix time); absent until it has.",
		[]string{"source"}, set)
	c.lastRevision = prometheus.NewDesc("flagz_source_last_revision",
		"The origin's revision (etcd revision, resourceVersion, …) at the source's last sync.",
		[]string{"source"}, set)
	c.problem = prometheus.NewDesc("flagz_source_problem",
		"A failure of a source beside serving values that an operator must see, by its name: 1 while it lasts, absent otherwise. "+
			`problem="snapshot": the last-known-good snapshot file cannot be written; `+
			`problem="presence": the etcd watcher's presence record cannot be published (flagz set --wait sees the process as not answering). `+
			"The source keeps serving values and retries; the debug page and the log say why and since when.",
		[]string{"source", "problem"}, set)
	return c
}

// Register makes a Collector for fs and registers it with reg. Nothing is
// registered on prometheus.DefaultRegisterer unless it is the reg given.
func Register[F flagz.FlagSet](reg prometheus.Registerer, fs F, opts ...Option) (*Collector, error) {
	if reg == nil {
		return nil, errors.New("monitoring: Register needs a prometheus.Registerer")
	}
	c := NewCollector(fs, opts...)
	if err := reg.Register(c); err != nil {
		return nil, fmt.Errorf("monitoring: registering the collector of flag set %q: %w", c.set, err)
	}
	return c, nil
}

// Describe sends the descriptors of every metric the Collector exports.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.checksum, c.updates, c.sourceState, c.lastSync, c.lastRevision, c.problem} {
		ch <- d
	}
}

// Collect reads the engine and sends the current metrics.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	c.collectChecksums(ch)
	c.engine.VisitUpdateCounts(func(flag, source string, result record.Result, n uint64) {
		if flag == "" || result == record.Unknown {
			flag = UnknownFlag
		}
		ch <- c.cache.get(c.updates, prometheus.CounterValue, float64(n), flag, source, result.String())
	})
	for _, s := range c.engine.Sources() {
		for _, state := range states {
			v := 0.0
			if s.State == state {
				v = 1
			}
			ch <- c.cache.get(c.sourceState, prometheus.GaugeValue, v, s.Name, state.String())
		}
		if !s.LastSync.IsZero() {
			ch <- c.cache.get(c.lastSync, prometheus.GaugeValue, float64(s.LastSync.UnixNano())/1e9, s.Name)
			ch <- c.cache.get(c.lastRevision, prometheus.GaugeValue, float64(s.LastRevision), s.Name)
		}
		for _, p := range s.Problems {
			ch <- c.cache.get(c.problem, prometheus.GaugeValue, 1, s.Name, p.Name)
		}
	}
}

var states = []record.State{record.StateConnecting, record.StateServing, record.StateDegraded, record.StateStopped}

func (c *Collector) collectChecksums(ch chan<- prometheus.Metric) {
	for _, k := range [...]struct {
		kind string
		sum  func() uint64
	}{{"dynamic", c.engine.DynamicChecksum}, {"static", c.engine.StaticChecksum}} {
		sum := k.sum()
		if c.checksumLabel {
			ch <- prometheus.MustNewConstMetric(c.checksum, prometheus.GaugeValue, 1, k.kind, checksumform.Text(sum))
			continue
		}
		ch <- c.cache.get(c.checksum, prometheus.GaugeValue, ChecksumValue(sum), k.kind)
	}
}

// ChecksumValue is the number flagz_checksum exports for a 64-bit checksum:
// its top 53 bits (sum >> 11), which a float64 holds exactly (so two
// different values print differently and count_values groups equal ones).
// The checksum the debug page and flagz status show as ca2edb3344ff8864
// exports 7113683036053489, and they show that number beside it.
func ChecksumValue(sum uint64) float64 { return float64(checksumform.Metric(sum)) }
