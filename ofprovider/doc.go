// Package ofprovider serves the flags of a flagz flag set through
// OpenFeature, the vendor-neutral feature-flag API: a service coding
// against openfeature.Client takes its flags from etcd or a ConfigMap
// through flagz, keeping validators, rollback and the debug page.
//
//	provider := ofprovider.New(fs)
//	if err := openfeature.SetProviderWithContextAndWait(ctx, provider); err != nil { … }
//	client := openfeature.NewDefaultClient()
//	on, _ := client.BooleanValue(ctx, "new-checkout", false, openfeature.EvaluationContext{})
//
// The flag key is the flag's name. Booleans, integers, floats and strings
// answer their own evaluation (an integer answers FloatEvaluation too, a
// float never answers IntEvaluation); durations answer StringEvaluation
// with their text; string slices and sets (sorted) answer ObjectEvaluation
// as []any, JSON and proto values as the plain maps and slices
// encoding/json gives. A rollout answers BooleanEvaluation for the
// evaluation context's targeting key, with reason SPLIT. Any other call is
// TYPE_MISMATCH with the caller's default; a name the flag set lacks is
// FLAG_NOT_FOUND. A sensitive flag (as marked when the provider first sees
// it) is never served (GENERAL): OpenFeature's hooks may record what an
// evaluation returns, where flagz cannot redact it.
//
// The reason is DEFAULT while a flag holds its declared default and STATIC
// when a source or the command line set it. FlagMetadata holds "dynamic"
// (bool), and "source" (string) and "revision" (int64) of the last change a
// source made, unless the flag went back to its default since; it is built
// once per change and shared (WithoutMetadata leaves it out).
//
// Evaluating a flag flagz declared takes no lock and allocates nothing in
// the provider: it is one map read and one atomic load. A name the flag set
// lacks is looked up in the flag set on every evaluation (never cached, so
// arbitrary keys cannot grow the provider's memory). Flags flagz did not
// declare (pflag's or the standard package's own) are read from a copy the
// provider takes when it starts and after each batch of a source that
// changes them.
//
// Events: Init waits until every source of the flag set has loaded (bounded
// by its context and WithInitTimeout), then the SDK reports
// PROVIDER_READY. Every batch a source applies that changes flags is one
// PROVIDER_CONFIGURATION_CHANGED naming them (a resync of 10,000 flags is
// one event), and so is every change made by calling a value's Set
// directly (from code, or through the flag set), naming its flag.
// While a source is DEGRADED the provider is PROVIDER_STALE, and
// PROVIDER_READY again once none is. Shutdown ends the subscription.
package ofprovider
