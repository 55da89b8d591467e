package informer_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/flagz-go/flagz/configmap/informer"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

// TestFakeClientset covers what only a fake shows: programs test with
// client-go's fake clientset, which serves no watch-list requests (an
// informer that does not say so never syncs) and stores objects without
// resourceVersions (so equal resourceVersions prove nothing).
func TestFakeClientset(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientset(&corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "flags"},
		Data:       map[string]string{"rate": "5"},
	})
	f := newFlags()
	inf := newInformer(t, f.fs, c, "ns", "flags", informer.WithSyncTimeout(waitTimeout))
	if _, err := inf.Initialize(ctx); err != nil {
		t.Fatal(err)
	}
	if err := inf.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer inf.Stop()
	if got := f.rate.Get(); got != 5 {
		t.Fatalf("rate = %d, want 5", got)
	}
	for _, v := range []int64{6, 7} {
		cm, err := c.CoreV1().ConfigMaps("ns").Get(ctx, "flags", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		cm.Data["rate"] = strconv.FormatInt(v, 10)
		if _, err := c.CoreV1().ConfigMaps("ns").Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the fake's update is applied", func() bool { return f.rate.Get() == v })
	}
}
