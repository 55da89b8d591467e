// Package configmap measures how long a kubelet-style ConfigMap swap takes
// to become visible to Get: flagz's directory source side by side with
// viper's WatchConfig, in the same run. See ../README.md.
package configmap
