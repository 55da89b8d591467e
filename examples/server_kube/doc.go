// Command server_kube is the flagz demo service (the same as
// examples/server) fed by a Kubernetes ConfigMap instead of etcd: each key
// of the ConfigMap is a flag name, its value the flag's text.
//
// Two ways to read the ConfigMap, chosen with --source:
//
//	--source=dir  (default) the ConfigMap mounted as a volume at --dir; the
//	              kubelet refreshes the files within about a minute of an
//	              edit; no API access needed.
//	--source=api  the ConfigMap --configmap in --namespace, watched through
//	              the API server: changes land within a second; the pod's
//	              service account needs get/list/watch on configmaps.
//
// The service (--listen, :8080) and the operators' endpoints (--admin-listen,
// 127.0.0.1:9090: the /debug/flagz page, its setter and /metrics) are served
// on separate listeners, so that the Service publishes the first only and
// the second stays on the pod's loopback, reached with kubectl port-forward.
//
// deploy.yaml holds a Namespace, the ConfigMap, a ServiceAccount with the
// Role and RoleBinding the api source needs, a Deployment and a Service:
//
//	kubectl apply -f examples/server_kube/deploy.yaml
//	kubectl -n flagz-demo port-forward deploy/flagz-demo 8080:8080 9090:9090
//	curl localhost:8080/
//	curl localhost:9090/debug/flagz?format=json
//	kubectl -n flagz-demo patch configmap flagz-demo --type merge -p '{"data":{"greeting":"hello"}}'
//
// Outside a cluster, --source=dir follows any directory holding one file
// per flag, which is a quick way to try it:
//
//	mkdir /tmp/flags && go run ./examples/server_kube --dir=/tmp/flags --listen=127.0.0.1:0 --admin-listen=127.0.0.1:0
//	echo hello > /tmp/flags/greeting
//
// and --source=api --kubeconfig=~/.kube/config follows a ConfigMap of the
// cluster kubectl talks to.
package main
