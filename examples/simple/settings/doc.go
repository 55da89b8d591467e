// Package settings declares the flags of the simple example in one place,
// the way a program shares its configuration between packages: any package
// imports settings and reads settings.Workers.Get(), lock-free, on every
// use, so it always sees the current value.
//
// The flags live on pflag.CommandLine, as go-flagz's did; the program's main
// parses them. Flags declared with flagz.Dyn* are dynamic (a source such as
// etcd or a ConfigMap may change them while the program runs); the others
// are static (set once at start-up).
package settings
