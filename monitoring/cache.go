package monitoring

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// metricCache keeps the metrics of the last scrape, so that a series whose
// value did not change is sent again as it is rather than built anew: a
// scrape of a large flag set, most of whose counters stand still, then
// allocates next to nothing (and garbage collection does not slow the
// sources applying changes meanwhile).
type metricCache struct {
	mu      sync.Mutex
	metrics map[seriesKey]cachedMetric
}

// seriesKey names one series: its descriptor and up to three label values.
type seriesKey struct {
	desc    *prometheus.Desc
	a, b, c string
}

type cachedMetric struct {
	value  float64
	metric prometheus.Metric
}

// get returns the metric of the series with value v, building it only when
// the series is new or its value moved.
func (m *metricCache) get(desc *prometheus.Desc, vt prometheus.ValueType, v float64, labels ...string) prometheus.Metric {
	key := seriesKey{desc: desc}
	for i, l := range labels {
		switch i {
		case 0:
			key.a = l
		case 1:
			key.b = l
		case 2:
			key.c = l
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.metrics[key]; ok && c.value == v {
		return c.metric
	}
	metric := prometheus.MustNewConstMetric(desc, vt, v, labels...)
	if m.metrics == nil {
		m.metrics = map[seriesKey]cachedMetric{}
	}
	m.metrics[key] = cachedMetric{value: v, metric: metric}
	return metric
}
