// Package scrape measures what reading a large flag set costs while a
// source applies changes: a Prometheus scrape (Collect) over 10,000 flags,
// and the latency of one applied change while scrapes run in a loop. Run it
// against an older flagz with the same files to compare (README.md).
package scrape
