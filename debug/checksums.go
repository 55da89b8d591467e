package debug

import "github.com/flagz-go/flagz/internal/checksumform"

// newChecksums writes the checksums in the forms the presence record, the
// flagz command and the metric flagz_checksum use (internal/checksumform),
// so that the page reads as they do.
func newChecksums(dynamic, static uint64) Checksums {
	return Checksums{
		Dynamic: checksumform.Text(dynamic), Static: checksumform.Text(static),
		DynamicMetric: checksumform.Metric(dynamic), StaticMetric: checksumform.Metric(static),
	}
}
