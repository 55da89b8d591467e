// Package etcdevents tests the OpenFeature provider's events against a
// real etcd source (an embedded etcd server). It is a module of its own so
// that the provider's module does not require the watcher's, and so etcd's
// server, in its users' builds. It holds no code but its tests.
package etcdevents
