// Package demo is the HTTP service the flagz examples run: its behaviour
// follows five dynamic flags, and it mounts the /debug/flagz page and
// Prometheus metrics. examples/server feeds the flags from etcd,
// examples/server_kube from a Kubernetes ConfigMap; the service itself does
// not know or care where values come from.
//
// The flags:
//
//	greeting    DynString       what GET / answers
//	shout       DynBool         a feature switch: answer in capitals
//	routes      DynJSONOf       a routing table: which backend serves a path
//	rate_limit  DynStruct field requests per second (a token bucket that
//	                            follows the struct through a notifier)
//	rate_burst  DynStruct field the bucket's size: 0 as many as rate_limit,
//	                            else at least rate_limit (one struct with
//	                            rate_limit: a batch changes both at once)
//
// Endpoints:
//
//	GET /                the greeting, the feature state, the routing table
//	                     and the rate limit, as JSON; 429 when the limit bites
//	GET /route/{path...} the backend the routing table picks for /{path}
//	GET /healthz         200 ok, never rate limited (for probes)
//	GET /debug/flagz     every flag, its value, default and last change
//	POST /debug/flagz/set  the guarded setter, for loopback callers only
//	GET /metrics         Prometheus metrics of the flag set
package demo
