// Package nats measures the flagz NATS JetStream key-value source against
// the floor, a raw jetstream key watcher on the same embedded nats-server
// in the same run: propagation latency from a put to Get, and a full
// relist of 10,000 flags. See ../README.md.
package nats
