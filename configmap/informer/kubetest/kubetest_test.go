package kubetest

import (
	"errors"
	"testing"

	"k8s.io/client-go/discovery"
)

func TestStartWithoutAssetsExplains(t *testing.T) {
	t.Setenv(AssetsEnv, "")
	_, err := Start()
	if !errors.Is(err, ErrNoAssets) {
		t.Fatalf("Start without %s: got %v, want ErrNoAssets", AssetsEnv, err)
	}
	t.Log(err)
}

func TestStartServesAndStops(t *testing.T) {
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	}()
	dc, err := discovery.NewDiscoveryClientForConfig(s.Config)
	if err != nil {
		t.Fatal(err)
	}
	v, err := dc.ServerVersion()
	if err != nil {
		t.Fatalf("server version: %v", err)
	}
	t.Logf("kube-apiserver %s", v.GitVersion)
}
