// Package benchmarks measures flagz side by side with its peers, each in the
// same run: see README.md for the numbers and how to reproduce them.
package benchmarks
