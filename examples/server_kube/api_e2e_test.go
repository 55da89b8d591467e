package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/configmap/informer/kubetest"
	"github.com/flagz-go/flagz/examples/internal/demo"
	"github.com/flagz-go/flagz/examples/internal/demotest"
	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Where deploy.yaml puts the demo.
const (
	deployNamespace = "flagz-demo"
	deployConfigMap = "flagz-demo"
	deployAccount   = "flagz-demo"
)

// TestAPIEndToEnd applies deploy.yaml to a real kube-apiserver (every object
// must pass its validation), then runs examples/server_kube with
// --source=api authenticated as the manifest's ServiceAccount, so only the
// manifest's Role lets it read the ConfigMap. The manifest's ConfigMap is
// served; edits apply; a refused value keeps the last good one; a removed
// key and then the deleted ConfigMap return the defaults; SIGTERM stops it
// with exit code 0.
func TestAPIEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kube-apiserver and runs the demo binary")
	}
	server, err := kubetest.Start() // without KUBEBUILDER_ASSETS its error says to run scripts/kube-assets.sh
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := server.Stop(); err != nil {
			t.Error(err)
		}
	})
	ctx := t.Context()
	applyManifest(t, server.Config, "deploy.yaml")
	core := corev1client.NewForConfigOrDie(server.Config)
	configMaps := core.ConfigMaps(deployNamespace)

	p := demotest.Start(t, demotest.Build(t, ".", raceEnabled),
		"--source=api", "--kubeconfig="+serviceAccountKubeconfig(t, server.Config, core),
		"--namespace="+deployNamespace, "--configmap="+deployConfigMap, "--listen=127.0.0.1:0", "--admin-listen=127.0.0.1:0")

	// The manifest's values, read before the banner (Initialize).
	if f := p.Flag(t, demo.FlagGreeting); f.Value != "hello from a ConfigMap" {
		t.Fatalf("greeting = %q right after start, want the manifest's", f.Value)
	}
	patch := func(data string) {
		t.Helper()
		_, err := configMaps.Patch(ctx, deployConfigMap, types.MergePatchType,
			[]byte(`{"data":`+data+`}`), metav1.PatchOptions{})
		if err != nil {
			t.Fatalf("patch the ConfigMap with %s: %v", data, err)
		}
	}

	patch(`{"rate_limit":"1000","greeting":"edited","shout":"true"}`)
	p.WaitFor(t, "the edited ConfigMap in GET /", func() (bool, string) {
		st := p.Status(t)
		return st.Greeting == "EDITED" && st.Shout && st.RateLimit == 1000, p.Describe(t)
	})

	// Watching, not relisting after failures: the Role grants watch.
	var serving bool
	sources := p.Page(t).Sources
	for _, src := range sources {
		serving = serving || strings.HasPrefix(src.Name, "configmap-api:") && src.State.String() == "SERVING"
	}
	if !serving {
		t.Errorf("sources on the debug page: %+v, want the ConfigMap's SERVING", sources)
	}

	patch(`{"rate_limit":"0"}`)
	p.WaitFor(t, "rate_limit=0 refused on the debug page", func() (bool, string) {
		f := p.Flag(t, demo.FlagRateLimit)
		return f.LastRejection != nil && f.LastRejection.Value == "0", "rate_limit = " + f.Value
	})
	if st := p.Status(t); st.RateLimit != 1000 {
		t.Errorf("GET / rate_limit = %d after a refused 0, want 1000 kept", st.RateLimit)
	}

	patch(`{"rate_limit":"1000","greeting":null}`)
	p.WaitFor(t, "the default greeting once its key is gone", func() (bool, string) {
		st := p.Status(t)
		return st.Greeting == strings.ToUpper(demo.DefaultGreeting) && st.Shout, p.Describe(t)
	})

	if err := configMaps.Delete(ctx, deployConfigMap, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	p.WaitFor(t, "every flag back to its default once the ConfigMap is deleted", func() (bool, string) {
		f := p.Flag(t, demo.FlagRateLimit)
		s := p.Flag(t, demo.FlagShout)
		return f.Value == f.Default && s.Value == s.Default, "rate_limit = " + f.Value + ", shout = " + s.Value
	})
	p.Stop(t)
}

// kinds maps the kinds deploy.yaml holds to their API resources.
var kinds = map[string]schema.GroupVersionResource{
	"Namespace":      {Version: "v1", Resource: "namespaces"},
	"ConfigMap":      {Version: "v1", Resource: "configmaps"},
	"ServiceAccount": {Version: "v1", Resource: "serviceaccounts"},
	"Service":        {Version: "v1", Resource: "services"},
	"Role":           {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles"},
	"RoleBinding":    {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"},
	"Deployment":     {Group: "apps", Version: "v1", Resource: "deployments"},
}

// applyManifest creates every object of the YAML file at path, as kubectl
// apply would on an empty cluster.
func applyManifest(t *testing.T, config *rest.Config, path string) {
	t.Helper()
	manifest, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	client := dynamic.NewForConfigOrDie(config)
	dec := yaml.NewYAMLOrJSONDecoder(bytes.NewReader(manifest), 4096)
	created := 0
	for {
		var obj unstructured.Unstructured
		if err := dec.Decode(&obj.Object); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(obj.Object) == 0 {
			continue
		}
		gvr, ok := kinds[obj.GetKind()]
		if !ok {
			t.Fatalf("%s: kind %s: add it to the test's kinds", path, obj.GetKind())
		}
		var res dynamic.ResourceInterface = client.Resource(gvr)
		if ns := obj.GetNamespace(); ns != "" {
			res = client.Resource(gvr).Namespace(ns)
		}
		if _, err := res.Create(t.Context(), &obj, metav1.CreateOptions{FieldValidation: "Strict"}); err != nil {
			t.Fatalf("%s: create %s %s: %v", path, obj.GetKind(), obj.GetName(), err)
		}
		created++
	}
	t.Logf("%s: created %d objects", path, created)
}

// serviceAccountKubeconfig writes a kubeconfig authenticating as the
// manifest's ServiceAccount (a token from the TokenRequest API, as a pod
// would mount) and returns its path.
func serviceAccountKubeconfig(t *testing.T, admin *rest.Config, core corev1client.CoreV1Interface) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var token *authenticationv1.TokenRequest
	var err error
	// The ServiceAccount was just created; the API server may need a moment
	// before it finds it.
	for deadline := time.Now().Add(demotest.WaitTimeout); ; {
		token, err = core.ServiceAccounts(deployNamespace).CreateToken(ctx, deployAccount,
			&authenticationv1.TokenRequest{}, metav1.CreateOptions{})
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("token for ServiceAccount %s: %v", deployAccount, err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["test"] = &clientcmdapi.Cluster{Server: admin.Host, CertificateAuthorityData: admin.CAData}
	cfg.AuthInfos[deployAccount] = &clientcmdapi.AuthInfo{Token: token.Status.Token}
	cfg.Contexts["test"] = &clientcmdapi.Context{Cluster: "test", AuthInfo: deployAccount, Namespace: deployNamespace}
	cfg.CurrentContext = "test"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}
