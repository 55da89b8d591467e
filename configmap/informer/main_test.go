package informer_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/flagz-go/flagz/configmap/informer/kubetest"
)

// server is the real kube-apiserver (with etcd) every test of the package
// talks to; each test works in a namespace of its own.
var server *kubetest.Server

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	s, err := kubetest.Start()
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: the informer tests need a real kube-apiserver: %v\n", err)
		return 1
	}
	defer func() {
		if err := s.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}()
	server = s

	// The Example reads the kubeconfig as a program would: through $KUBECONFIG.
	dir, err := os.MkdirTemp("", "flagz-informer-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kubeconfig, s.Kubeconfig(), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	os.Setenv("KUBECONFIG", kubeconfig)
	return m.Run()
}
