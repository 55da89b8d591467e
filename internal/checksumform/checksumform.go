// Package checksumform writes a flag set's 64-bit checksum in the two
// forms people read: 16 hex digits (the debug page, the presence record,
// flagz status), and the number the metric flagz_checksum carries, its top
// 53 bits, which a float64 holds exactly. Every place that shows a checksum
// takes its form from here, so that they agree.
package checksumform

import (
	"fmt"
	"strconv"
)

// Text is sum as 16 lower-case hex digits: "ca2edb3344ff8864".
func Text(sum uint64) string { return fmt.Sprintf("%016x", sum) }

// Metric is the value of flagz_checksum for sum: its top 53 bits (sum
// shifted right by 11), 7113683036053489 for ca2edb3344ff8864. Prometheus
// prints it in decimal.
func Metric(sum uint64) uint64 { return sum >> 11 }

// MetricOfText is Metric of the checksum written as Text, and false if
// text is not 16 hex digits (a record of another build, say).
func MetricOfText(text string) (uint64, bool) {
	if len(text) != 16 {
		return 0, false
	}
	sum, err := strconv.ParseUint(text, 16, 64)
	if err != nil {
		return 0, false
	}
	return Metric(sum), true
}
