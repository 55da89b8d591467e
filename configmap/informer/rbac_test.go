package informer_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/flagz-go/flagz/configmap/informer"
	"github.com/flagz-go/flagz/record"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	rbacclient "k8s.io/client-go/kubernetes/typed/rbac/v1"
)

// TestRBAC checks the Roles of the package documentation against the API
// server's RBAC authorizer: none fails Initialize at once with a clear
// error; get/list/watch on configmaps works, narrowed by resourceNames too.
func TestRBAC(t *testing.T) {
	k := newKube(t)
	k.put("flags", map[string]string{"rate": "10"}, nil)

	t.Run("no role", func(t *testing.T) {
		client := k.userClient(t, "nobody")
		f := newFlags()
		inf := newInformer(t, f.fs, client, k.namespace, "flags", informer.WithSyncTimeout(waitTimeout))
		report, err := inf.Initialize(context.Background())
		if !errors.Is(err, informer.ErrNotSynced) || !apierrors.IsForbidden(err) || report != nil {
			t.Fatalf("Initialize = %v, %v; want a nil report, ErrNotSynced and Forbidden", report, err)
		}
		for _, want := range []string{"nobody", "configmaps", k.namespace} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %q", err, want)
			}
		}
		t.Log(err)
		if st := inf.Status(); st.State != record.StateConnecting || st.Err == "" {
			t.Errorf("status = %+v, want CONNECTING with the reason", st)
		}
	})

	for _, tc := range []struct {
		user          string
		resourceNames []string
	}{
		{"namespace-reader", nil},
		{"one-configmap-reader", []string{"flags"}},
	} {
		t.Run(tc.user, func(t *testing.T) {
			k.grant(t, tc.user, tc.resourceNames)
			client := k.userClient(t, tc.user)
			// Role changes reach the authorizer through its own informer.
			eventually(t, "the Role is in force", func() bool {
				_, err := client.CoreV1().ConfigMaps(k.namespace).Get(context.Background(), "flags", metav1.GetOptions{})
				return err == nil
			})
			f := newFlags()
			start(t, f.fs, client, k.namespace, "flags")
			if f.rate.Get() != 10 {
				t.Fatalf("rate = %d, want 10", f.rate.Get())
			}
			k.put("flags", map[string]string{"rate": "12"}, nil)
			eventually(t, "the update reaches the flag", func() bool { return f.rate.Get() == 12 })
			k.put("flags", map[string]string{"rate": "10"}, nil)
			eventually(t, "the update reaches the flag", func() bool { return f.rate.Get() == 10 })

			// Why the informer sends a field selector: without it, a Role
			// narrowed by resourceNames does not allow list.
			_, err := client.CoreV1().ConfigMaps(k.namespace).List(context.Background(), metav1.ListOptions{})
			if narrowed := tc.resourceNames != nil; narrowed != apierrors.IsForbidden(err) {
				t.Errorf("plain list with resourceNames=%v: err = %v", tc.resourceNames, err)
			}
		})
	}
}

// userClient returns a client for a user of the namespace (no permission
// until granted).
func (k *kube) userClient(t *testing.T, user string) informer.CoreV1Getter {
	t.Helper()
	cfg, err := server.UserConfig(k.namespace + "-" + user)
	if err != nil {
		t.Fatal(err)
	}
	client, _ := clientFor(t, cfg)
	return client
}

// grant gives the user the package documentation's Role: get, list and
// watch on configmaps, optionally narrowed to resourceNames.
func (k *kube) grant(t *testing.T, user string, resourceNames []string) {
	t.Helper()
	rbac, err := rbacclient.NewForConfig(server.Config)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: user},
		Rules: []rbacv1.PolicyRule{{
			APIGroups:     []string{""},
			Resources:     []string{"configmaps"},
			Verbs:         []string{"get", "list", "watch"},
			ResourceNames: resourceNames,
		}},
	}
	if _, err := rbac.Roles(k.namespace).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: user},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: k.namespace + "-" + user}},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: user},
	}
	if _, err := rbac.RoleBindings(k.namespace).Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}
