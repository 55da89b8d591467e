package watcher

import (
	"context"
	"maps"
	"slices"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/metadata"
)

// watchContext is clientv3.WithRequireLeader plus the watcher's stream key,
// built with the fewest allocations: its outgoing metadata is exactly what the
// etcd helper followed by AppendToOutgoingContext sends, with or without
// metadata of the caller's, and the caller's is left as it was.
func TestWatchContextIsRequireLeaderWithStreamKey(t *testing.T) {
	o := &etcdOrigin{stream: "7"}
	for _, parent := range []context.Context{
		context.Background(),
		metadata.NewOutgoingContext(context.Background(), metadata.Pairs("x-caller", "a", "x-other", "b")),
		clientv3.WithRequireLeader(context.Background()),
		metadata.AppendToOutgoingContext(context.Background(), "x-caller", "a"),
	} {
		callerMD, _ := metadata.FromOutgoingContext(parent)
		callerBefore := callerMD.Copy()

		want, _ := metadata.FromOutgoingContext(metadata.AppendToOutgoingContext(clientv3.WithRequireLeader(parent), watchStreamKey, o.stream))
		got, _ := metadata.FromOutgoingContext(o.watchContext(parent))
		if !maps.EqualFunc(got, want, slices.Equal) {
			t.Errorf("watchContext metadata = %v, want %v (WithRequireLeader + the stream key)", got, want)
		}
		if after, _ := metadata.FromOutgoingContext(parent); !maps.EqualFunc(after, callerBefore, slices.Equal) {
			t.Errorf("the caller's metadata changed: %v, was %v", after, callerBefore)
		}
	}
}
