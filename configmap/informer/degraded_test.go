package informer_test

import (
	"net/url"
	"testing"

	"github.com/flagz-go/flagz/record"

	"k8s.io/client-go/rest"
)

// TestUnreachableAPIServerDegradesThenReconciles cuts the connections to the
// API server: the source turns DEGRADED with the reason and keeps the last
// good values; once the API server is reachable again it is SERVING and the
// change made during the outage is applied.
func TestUnreachableAPIServerDegradesThenReconciles(t *testing.T) {
	k := newKube(t)
	f := newFlags()
	k.put("flags", map[string]string{"rate": "10", "greeting": "before"}, nil)

	u, err := url.Parse(server.Config.Host)
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, u.Host)
	cfg := rest.CopyConfig(server.Config)
	cfg.Host = "https://" + p.addr
	client, _ := clientFor(t, cfg)
	inf := start(t, f.fs, client, k.namespace, "flags")

	p.cut()
	eventually(t, "the source is DEGRADED", func() bool { return inf.Status().State == record.StateDegraded })
	if st := inf.Status(); st.Err == "" {
		t.Errorf("status = %+v, want the reason it is DEGRADED", st)
	}
	k.put("flags", map[string]string{"rate": "20"}, nil) // greeting removed meanwhile
	if f.rate.Get() != 10 || f.greeting.Get() != "before" {
		t.Errorf("rate, greeting = %d, %q while cut off; want the last good 10, before", f.rate.Get(), f.greeting.Get())
	}

	p.restore()
	eventually(t, "the change made during the outage is applied", func() bool {
		return f.rate.Get() == 20 && f.greeting.Get() == "hello"
	})
	eventually(t, "the source is SERVING again", func() bool { return inf.Status().State == record.StateServing })
}
