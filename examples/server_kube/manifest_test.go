package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/yaml"
)

// TestManifestKeepsOperatorsEndpointsOffTheService reads deploy.yaml: the
// container serves the debug page, its setter and /metrics on a loopback
// address of its own (--admin-listen), and the Service publishes only the
// service's port, never that one.
func TestManifestKeepsOperatorsEndpointsOffTheService(t *testing.T) {
	deployment, service := readManifest(t, "deploy.yaml")
	if len(deployment.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("want one container, got %d", len(deployment.Spec.Template.Spec.Containers))
	}
	c := deployment.Spec.Template.Spec.Containers[0]
	args := map[string]string{}
	for _, arg := range c.Args {
		name, value, _ := strings.Cut(strings.TrimPrefix(arg, "--"), "=")
		args[name] = value
	}
	adminHost, adminPort, err := net.SplitHostPort(args["admin-listen"])
	if err != nil {
		t.Fatalf("--admin-listen=%q: %v (the container args: %q)", args["admin-listen"], err, c.Args)
	}
	if ip := net.ParseIP(adminHost); ip == nil || !ip.IsLoopback() {
		t.Errorf("--admin-listen=%s: want a loopback address, which only kubectl port-forward reaches", args["admin-listen"])
	}
	_, servicePort, err := net.SplitHostPort(args["listen"])
	if err != nil || servicePort == adminPort {
		t.Errorf("--listen=%q and --admin-listen=%q: want two ports", args["listen"], args["admin-listen"])
	}
	named := map[string]int32{}
	for _, p := range c.Ports {
		named[p.Name] = p.ContainerPort
		if strconv.Itoa(int(p.ContainerPort)) == adminPort {
			t.Errorf("container port %s (%d) is the admin port: declared ports invite a Service to publish them", p.Name, p.ContainerPort)
		}
	}
	if len(service.Spec.Ports) == 0 {
		t.Fatal("the Service publishes no port")
	}
	for _, p := range service.Spec.Ports {
		target := p.TargetPort.String()
		if port, ok := named[target]; ok {
			target = strconv.Itoa(int(port))
		}
		if target == adminPort {
			t.Errorf("the Service's port %s targets the admin port %s", p.Name, adminPort)
		}
		if target != servicePort {
			t.Errorf("the Service's port %s targets %s, want the service's port %s", p.Name, target, servicePort)
		}
	}
}

// readManifest returns the Deployment and the Service of the manifest at
// path.
func readManifest(t *testing.T, path string) (appsv1.Deployment, corev1.Service) {
	t.Helper()
	manifest, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var deployment appsv1.Deployment
	var service corev1.Service
	dec := yaml.NewYAMLOrJSONDecoder(bytes.NewReader(manifest), 4096)
	for {
		var doc json.RawMessage
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		var meta struct{ Kind string }
		if err := json.Unmarshal(doc, &meta); err != nil {
			t.Fatal(err)
		}
		var into any
		switch meta.Kind {
		case "Deployment":
			into = &deployment
		case "Service":
			into = &service
		default:
			continue
		}
		if err := json.Unmarshal(doc, into); err != nil {
			t.Fatalf("%s: %s: %v", path, meta.Kind, err)
		}
	}
	if deployment.Name == "" || service.Name == "" {
		t.Fatalf("%s: want a Deployment and a Service", path)
	}
	return deployment, service
}
