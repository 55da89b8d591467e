// Package informer measures the ConfigMap informer (configmap/informer)
// against a real kube-apiserver: how long an update made through the API
// takes to become visible to Get, beside a raw client-go watch on the same
// ConfigMap (the floor). See README.md.
package informer
