// Package informer applies one Kubernetes ConfigMap, read through the API
// server, to dynamic flags: every key of its data and binaryData is a flag
// name, every value the flag's text (binaryData values are passed as their
// raw bytes, for protocol buffer or string flags).
//
//	client, err := informer.InClusterClient() // or KubeconfigClient(path), NewClient(restConfig), a clientset
//	if err != nil { … }
//	inf, err := informer.New(pflag.CommandLine, client, "my-namespace", "my-flags", informer.WithLogger(logger))
//	if err != nil { … }                        // no client, namespace or name; a bad option
//	report, err := inf.Initialize(ctx)         // first sync: static flags may be set here
//	if err != nil { … }                        // not loaded: RBAC, sync timeout, ctx
//	if err := report.Err(); err != nil { … }   // bad entries, each naming its flag
//	if err := inf.Start(ctx); err != nil { … } // follow changes until Stop or ctx ends
//	defer inf.Stop()
//
// An informer lists and watches the one ConfigMap (field selector
// metadata.name=<name>) in its namespace. The first sync is loaded; each
// later change is reconciled by the flagz engine: changed keys are applied,
// keys removed from the ConfigMap return their flags to the defaults, and
// a deleted ConfigMap returns all of its flags to the defaults (a re-created
// one applies again). Updates that change no key (a label edit, a relist)
// are ignored. A bad value is refused with its reason and the last good value
// stays; a static flag changed after start-up is reported "restart
// required". The revision recorded with each change is the ConfigMap's
// resourceVersion.
//
// Health: the source is CONNECTING until the first sync, SERVING after it,
// DEGRADED while list or watch requests fail (the informer retries with
// backoff and the flags keep their last good values), STOPPED after Stop.
// While the watch is healthy the last sync time is refreshed every 30 s, even
// when the ConfigMap does not change. Stats counts the events seen, the
// snapshots handed to the engine and the no-op events ignored.
// Initialize fails at once with the API server's message when RBAC forbids
// the list, and with the last failure when the sync times out. A Role
// without watch lets Initialize succeed; the source then stays DEGRADED with
// the API server's message. Bad values and unknown keys never fail
// Initialize: the report it returns (and LastReport) names each of them.
//
// # RBAC
//
// The informer's service account needs get, list and watch on configmaps in
// the namespace. A Role that allows the namespace's ConfigMaps:
//
//	apiVersion: rbac.authorization.k8s.io/v1
//	kind: Role
//	metadata:
//	  name: flagz-reader
//	  namespace: my-namespace
//	rules:
//	- apiGroups: [""]
//	  resources: ["configmaps"]
//	  verbs: ["get", "list", "watch"]
//	---
//	apiVersion: rbac.authorization.k8s.io/v1
//	kind: RoleBinding
//	metadata:
//	  name: flagz-reader
//	  namespace: my-namespace
//	subjects:
//	- kind: ServiceAccount
//	  name: my-app
//	  namespace: my-namespace
//	roleRef:
//	  apiGroup: rbac.authorization.k8s.io
//	  kind: Role
//	  name: flagz-reader
//
// To let the program read only its own ConfigMap, add
// `resourceNames: ["my-flags"]` to the rule. A list or watch request names
// no object, so RBAC can match resourceNames against it only when the
// request carries the field selector metadata.name=<that name>; a plain list
// or watch (kubectl get configmaps, the informers of a SharedInformerFactory)
// is then forbidden. This informer always sends that selector, so the
// narrowed Role is enough for it; the package's tests check both Roles
// against a real API server.
package informer
