package scrape

import (
	"fmt"
	"testing"

	"github.com/flagz-go/flagz/benchmarks/internal/cputime"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// BenchmarkCollectFloor is BenchmarkCollect's floor: the cost of
// client_golang's Registry.Gather alone for the same series. A bare
// collector sends, on every scrape, metrics built once from what flagz's
// collectors exported (same names, help, types, labels and values), so it
// reads nothing and builds nothing; what BenchmarkCollect costs above it is
// flagz's.
func BenchmarkCollectFloor(b *testing.B) {
	for _, changed := range []int{100, flags} {
		b.Run(fmt.Sprintf("changed=%d", changed), func(b *testing.B) {
			_, _, flagzReg := bigSet(b, changed)
			families, err := flagzReg.Gather()
			if err != nil {
				b.Fatal(err)
			}
			bare := &bareCollector{metrics: constMetrics(b, families)}
			reg := prometheus.NewRegistry()
			reg.MustRegister(bare)
			b.ReportMetric(float64(len(bare.metrics)), "series")
			b.ReportAllocs()
			defer cputime.Start().Report(b)
			for b.Loop() {
				if _, err := reg.Gather(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// bareCollector sends the same metrics on every scrape.
type bareCollector struct{ metrics []prometheus.Metric }

func (c *bareCollector) Describe(ch chan<- *prometheus.Desc) {
	sent := map[*prometheus.Desc]bool{}
	for _, m := range c.metrics {
		if d := m.Desc(); !sent[d] {
			sent[d] = true
			ch <- d
		}
	}
}

func (c *bareCollector) Collect(ch chan<- prometheus.Metric) {
	for _, m := range c.metrics {
		ch <- m
	}
}

// constMetrics rebuilds families as constant metrics: the label "set" is
// the descriptors' constant label, the others variable, as in monitoring.
func constMetrics(b *testing.B, families []*dto.MetricFamily) []prometheus.Metric {
	b.Helper()
	var out []prometheus.Metric
	for _, mf := range families {
		var desc *prometheus.Desc
		for _, m := range mf.GetMetric() {
			var names, values []string
			constLabels := prometheus.Labels{}
			for _, l := range m.GetLabel() {
				if l.GetName() == "set" {
					constLabels["set"] = l.GetValue()
					continue
				}
				names = append(names, l.GetName())
				values = append(values, l.GetValue())
			}
			if desc == nil {
				desc = prometheus.NewDesc(mf.GetName(), mf.GetHelp(), names, constLabels)
			}
			vt, v := prometheus.GaugeValue, m.GetGauge().GetValue()
			if mf.GetType() == dto.MetricType_COUNTER {
				vt, v = prometheus.CounterValue, m.GetCounter().GetValue()
			}
			out = append(out, prometheus.MustNewConstMetric(desc, vt, v, values...))
		}
	}
	return out
}
