package informer

import (
	"fmt"
	"os"
	"strings"

	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// serviceAccountNamespaceFile holds the pod's namespace inside a cluster.
const serviceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

// coreV1Client adapts the typed core/v1 client to CoreV1Getter.
type coreV1Client struct{ corev1client.CoreV1Interface }

func (c coreV1Client) CoreV1() corev1client.CoreV1Interface { return c.CoreV1Interface }

// NewClient returns a core/v1 client for config. It compiles and links far
// less than the full clientset; pass a kubernetes.Interface to New instead
// if the program has one already.
func NewClient(config *rest.Config) (CoreV1Getter, error) {
	c, err := corev1client.NewForConfig(config)
	if err != nil {
		return nil, fmt.Errorf("informer: core/v1 client: %w", err)
	}
	return coreV1Client{c}, nil
}

// InClusterClient returns a client authenticated as the pod's service
// account, for a program running inside the cluster.
func InClusterClient() (CoreV1Getter, error) {
	config, err := rest.InClusterConfig()
	if err != nil {
		return nil, fmt.Errorf("informer: in-cluster config: %w", err)
	}
	return NewClient(config)
}

// KubeconfigClient returns a client configured by the kubeconfig file at
// path, with its current context. An empty path follows kubectl's rules:
// $KUBECONFIG, then ~/.kube/config.
func KubeconfigClient(path string) (CoreV1Getter, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if path != "" {
		rules.ExplicitPath = path
	}
	config, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("informer: kubeconfig %q: %w", path, err)
	}
	return NewClient(config)
}

// InClusterNamespace returns the namespace of the pod the program runs in,
// read from its service account.
func InClusterNamespace() (string, error) {
	b, err := os.ReadFile(serviceAccountNamespaceFile)
	if err != nil {
		return "", fmt.Errorf("informer: pod namespace: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
