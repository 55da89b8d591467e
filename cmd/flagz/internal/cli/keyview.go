package cli

import (
	"context"
	"strings"

	"github.com/flagz-go/flagz"
	"go.etcd.io/etcd/api/v3/mvccpb"
)

// keyView is a flag's key in etcd as get, set and del show it.
type keyView struct {
	Name           string `json:"name"`
	Key            string `json:"key"`
	Exists         bool   `json:"exists"`
	Value          string `json:"value,omitempty"`
	ModRevision    int64  `json:"mod_revision,omitempty"`    // what --if-revision compares
	CreateRevision int64  `json:"create_revision,omitempty"` //
	Version        int64  `json:"version,omitempty"`         // writes since it was created
	Revision       int64  `json:"revision"`                  // etcd's revision when read
}

func newKeyView(name, key string, kv *mvccpb.KeyValue, revision int64) keyView {
	v := keyView{Name: name, Key: key, Revision: revision}
	if kv != nil {
		v.Exists, v.Value = true, string(kv.Value)
		v.ModRevision, v.CreateRevision, v.Version = kv.ModRevision, kv.CreateRevision, kv.Version
	}
	return v
}

// redact replaces the value by flagz.Redacted if sensitive.
func (v *keyView) redact(sensitive bool) {
	if sensitive && v.Exists {
		v.Value = flagz.Redacted
	}
}

// readKey reads the key of the flag name.
func (s *session) readKey(ctx context.Context, name string) (keyView, error) {
	key := s.g.flagKey(name)
	rctx, cancel := s.request(ctx)
	defer cancel()
	resp, err := s.client.Get(rctx, key)
	if err != nil {
		return keyView{}, s.etcdError("read "+key, err)
	}
	var kv *mvccpb.KeyValue
	if len(resp.Kvs) > 0 {
		kv = resp.Kvs[0]
	}
	return newKeyView(name, key, kv, resp.Header.Revision), nil
}

// checkName refuses a name the watchers could never see: empty, or with a
// "/" (a deeper key the watcher ignores).
func checkName(name string) error {
	switch {
	case name == "":
		return usagef("the flag name is empty")
	case strings.Contains(name, "/"):
		return usagef("flag name %q holds a /: watchers ignore keys deeper than <prefix>/<name>", name)
	}
	return nil
}
