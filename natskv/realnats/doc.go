// Package realnats holds the tests of package natskv that need a real
// NATS server: the conformance suite of flagz sources and what only NATS
// JetStream does (gaps in a bucket's revisions, a watch stalled after a
// server restart, the key mapping, a cluster losing its leader). Each test
// runs embedded nats-servers on loopback ports chosen at run time, storing
// under temporary directories. It is a module of its own, so that the
// server's module never reaches a service's module graph through natskv.
package realnats
