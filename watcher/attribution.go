package watcher

import (
	"strings"

	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher/change"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// attribution reads ev as the put of a change record (package change):
// who made the writes of its revision to the flag called name, and why,
// as the engine records them. ok false: ev is no valid change record.
func (o *etcdOrigin) attribution(ev *clientv3.Event) (name string, a record.Attribution, ok bool) {
	if ev.Type != mvccpb.PUT || !strings.HasPrefix(string(ev.Kv.Key), o.changePrefix) {
		return "", record.Attribution{}, false
	}
	rec, err := change.DecodeKey(o.prefix, string(ev.Kv.Key), ev.Kv.Value)
	if err != nil {
		return "", record.Attribution{}, false
	}
	a.Author, a.Comment = rec.By, rec.Reason
	if rec.User != "" && rec.User != rec.By {
		a.Author += " (etcd user " + rec.User + ")"
	}
	if rec.Action != change.ActionSet && rec.Action != change.ActionDel {
		what := rec.Action
		if rec.Detail != "" {
			what += ": " + rec.Detail
		}
		a.Comment = strings.TrimSpace(a.Comment + " [" + what + "]")
	}
	return rec.Flag, a, true
}
