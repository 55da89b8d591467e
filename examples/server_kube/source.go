package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/configmap"
	"github.com/flagz-go/flagz/configmap/informer"
	"github.com/spf13/pflag"
)

// Values of --source.
const (
	sourceDir = "dir"
	sourceAPI = "api"
)

// flagSource is what both ConfigMap sources offer: load once (the report
// names each refused entry; the error says the origin could not be loaded),
// follow, stop.
type flagSource interface {
	Initialize(ctx context.Context) (flagz.Report, error)
	Start(ctx context.Context) error
	Stop()
}

// sourceConfig is what the command line says about the ConfigMap.
type sourceConfig struct {
	kind       string // sourceDir or sourceAPI
	dir        string
	namespace  string
	configMap  string
	kubeconfig string
}

// newSource returns the source --source asks for, and a description of it
// for the banner.
func newSource(fs *pflag.FlagSet, c sourceConfig, logger *slog.Logger) (flagSource, string, error) {
	switch c.kind {
	case sourceDir:
		w, err := configmap.New(fs, c.dir, configmap.WithLogger(logger))
		if err != nil {
			return nil, "", err
		}
		return w, "directory " + c.dir + " (a mounted ConfigMap: one file per flag)", nil
	case sourceAPI:
		client, err := apiClient(c.kubeconfig)
		if err != nil {
			return nil, "", err
		}
		ns := c.namespace
		if ns == "" {
			if ns, err = informer.InClusterNamespace(); err != nil {
				return nil, "", fmt.Errorf("--namespace is empty and this is not a pod: %w", err)
			}
		}
		inf, err := informer.New(fs, client, ns, c.configMap, informer.WithLogger(logger))
		if err != nil {
			return nil, "", err
		}
		return inf, fmt.Sprintf("ConfigMap %s/%s through the Kubernetes API", ns, c.configMap), nil
	default:
		return nil, "", fmt.Errorf("--source=%q: want %q or %q", c.kind, sourceDir, sourceAPI)
	}
}

// apiClient authenticates with the kubeconfig at path, or as the pod's
// service account when path is empty.
func apiClient(path string) (informer.CoreV1Getter, error) {
	if path != "" {
		return informer.KubeconfigClient(path)
	}
	c, err := informer.InClusterClient()
	if err != nil {
		return nil, fmt.Errorf("not in a pod (%w): give --kubeconfig", err)
	}
	return c, nil
}
