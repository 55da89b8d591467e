package checksumform

import "testing"

// The example of the issue: the page's ca2edb3344ff8864 is the metric's
// 7.113683036053489e+15.
func TestForms(t *testing.T) {
	const sum = 0xca2edb3344ff8864
	if got := Text(sum); got != "ca2edb3344ff8864" {
		t.Errorf("Text = %q", got)
	}
	if got := Metric(sum); got != 7113683036053489 || float64(got) != 7.113683036053489e+15 || uint64(float64(got)) != got {
		t.Errorf("Metric = %d, want 7113683036053489, exact in a float64", got)
	}
	if got, ok := MetricOfText("ca2edb3344ff8864"); !ok || got != 7113683036053489 {
		t.Errorf("MetricOfText = %d, %v", got, ok)
	}
	if got := Metric(^uint64(0)); got != 1<<53-1 {
		t.Errorf("Metric(max) = %d, want 2^53-1", got)
	}
	for _, bad := range []string{"", "ca2edb3344ff886", "ca2edb3344ff8864a", "ca2edb3344ff886g", "+a2edb3344ff8864"} {
		if _, ok := MetricOfText(bad); ok {
			t.Errorf("MetricOfText(%q) accepted", bad)
		}
	}
}
