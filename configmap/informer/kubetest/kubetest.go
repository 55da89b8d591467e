// Package kubetest starts a real kube-apiserver, with the etcd behind it,
// for tests of programs that use flagz's ConfigMap informer (as
// net/http/httptest starts HTTP servers). It wraps controller-runtime's
// envtest. The binaries come from the directory named by
// KUBEBUILDER_ASSETS, as envtest expects (setup-envtest installs them; in
// the flagz repository scripts/kube-assets.sh builds them from the Go
// module proxy and prints the directory, and scripts/test.sh sets it).
package kubetest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// AssetsEnv names the environment variable holding the directory with the
// kube-apiserver and etcd executables.
const AssetsEnv = "KUBEBUILDER_ASSETS"

// ErrNoAssets is returned when AssetsEnv does not point at the binaries.
var ErrNoAssets = errors.New(AssetsEnv + " is not set to a directory holding kube-apiserver and etcd: " +
	"install them (setup-envtest use -p path), or in the flagz repository run scripts/test.sh or export " +
	AssetsEnv + "=$(scripts/kube-assets.sh | tail -n 1)")

// Server is a running kube-apiserver with its etcd, listening on loopback.
type Server struct {
	env *envtest.Environment
	// Config authenticates as an administrator (group system:masters).
	Config *rest.Config
}

// Start starts a kube-apiserver and its etcd from the binaries in
// AssetsEnv. It takes a few seconds; share one Server between the tests of
// a package (TestMain) and give each test its own namespace.
func Start() (*Server, error) {
	dir := os.Getenv(AssetsEnv)
	if dir == "" {
		return nil, ErrNoAssets
	}
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, bin)); err != nil {
			return nil, fmt.Errorf("%w (%v)", ErrNoAssets, err)
		}
	}
	env := &envtest.Environment{BinaryAssetsDirectory: dir}
	cfg, err := env.Start()
	if err != nil {
		_ = env.Stop()
		return nil, fmt.Errorf("kubetest: start kube-apiserver from %s: %w", dir, err)
	}
	return &Server{env: env, Config: cfg}, nil
}

// UserConfig returns a config that authenticates as the user name, a member
// of no group with any permission: tests grant it what they want with RBAC.
func (s *Server) UserConfig(name string) (*rest.Config, error) {
	base := &rest.Config{QPS: s.Config.QPS, Burst: s.Config.Burst}
	u, err := s.env.AddUser(envtest.User{Name: name}, base)
	if err != nil {
		return nil, fmt.Errorf("kubetest: add user %q: %w", name, err)
	}
	return u.Config(), nil
}

// Kubeconfig returns a kubeconfig file's content for the administrator, as
// kubectl and clientcmd read it.
func (s *Server) Kubeconfig() []byte { return s.env.KubeConfig }

// Stop stops the API server and etcd and removes their files.
func (s *Server) Stop() error {
	if err := s.env.Stop(); err != nil {
		return fmt.Errorf("kubetest: stop kube-apiserver: %w", err)
	}
	return nil
}
