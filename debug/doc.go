// Package debug serves /debug/flagz: a page showing which process answers
// (host, pid, uptime, build), every flag of a flag set (value, default,
// whether it changed, what each source holds, what waits for a restart,
// its last changes and rejections), the health and state history of every
// source feeding it with the names it offered that no flag has, and the
// set's checksums.
//
// Mount it as net/http/pprof is mounted, on a mux reachable only by
// operators:
//
//	debug.Register(mux, pflag.CommandLine) // GET /debug/flagz
//
// or, for any path, mux.Handle("/debug/flagz", debug.NewHandler(fs)).
//
// # Page and JSON
//
// GET (or HEAD) answers an HTML page, self-contained (inline style, no
// script, no external resource; a Content-Security-Policy forbids them),
// with every value escaped by html/template. JSON and proto values are
// indented for reading. With ?format=json, or an Accept header naming
// application/json before text/html, it answers JSON instead: a Page
// document (see its fields for the schema).
//
// Query parameters filter the flags listed: only_changed=true keeps flags
// whose value differs from the default; type=dynamic or type=static keeps
// one kind; q=text keeps names containing text (any case); refusing=true
// keeps the flags that refuse a value now. page and limit
// select a page of them: the HTML page shows DefaultHTMLLimit flags a page
// unless told, JSON every flag unless limit is given. A bad parameter
// value answers 400.
//
// A flag's last rejection is current while the flag refuses the value
// still, and past once a later value of the same source took effect (or the
// source dropped the name): the page shows it as past, and the JSON says
// "current": false with the revision that superseded it. The page counts
// the flags refusing a value now and links to them.
//
// The JSON form of flags and sources is the engine's records as they are
// (flagz.FlagState, record.SourceStatus and the record types in them); the
// page adds what it works out itself (whether a rejection is current, the
// JSON difference, whether a value differs from its sources).
//
// Invisible format characters (Unicode category Cf, bidirectional controls
// among them) in anything the HTML page shows are printed escaped, as
// \u202e, so that a value cannot reorder what the operator reads; JSON
// carries values exactly.
//
// # Setter
//
// Off by default. WithSetter(authorize) turns it on at <mount>/set (with
// Register, /debug/flagz/set). It takes POST only (otherwise 405 with an
// Allow header) with either form fields name and value
// (application/x-www-form-urlencoded) or a JSON SetRequest:
//
//	curl -X POST -d name=rate -d value=200 http://localhost:8080/debug/flagz/set
//	curl -X POST -H 'Content-Type: application/json' \
//	     -d '{"name":"rate","value":"200"}' http://localhost:8080/debug/flagz/set
//
// Every request must pass the authorizer; a refusal answers 403 Forbidden
// (not 401: the handler does not know the caller's authentication scheme
// and sends no WWW-Authenticate challenge). Cross-origin browser requests
// are refused with 403 as well (net/http's CrossOriginProtection), so a
// page on another site cannot post a form to the setter with an operator's
// cookies.
//
// The value goes through the flag set's engine as source "debug", like a
// value from etcd or a ConfigMap: it is parsed and validated, recorded as
// the flag's last change, written to the audit log, counted in the metrics,
// and notifiers run. The answer is a SetResult:
//
//	200 applied (or unchanged), with the new value
//	400 the value is refused (reason in "error"; the flag keeps its value),
//	    the flag is static ("restart_required"), or the request is malformed
//	403 the setter is off, or the request is refused
//	404 no flag has the name
//	405 not a POST
//
// # Sensitive flags
//
// Flags marked with Dyn.WithSensitive, flagz.MarkSensitive or
// flagz.MarkFlagSensitive show "[redacted]" instead of their value, default,
// old, new, rejected, held and pending values and their history, on the
// page, in JSON and in setter answers; they have no JSON difference.
package debug
