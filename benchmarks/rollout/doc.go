// Package rollout measures a rollout flag's percentage check, flagz's
// DynRolloutValue.Enabled, against its floor (the same SHA-256 bucket
// computed inline) and against the percentage checks of two feature-flag
// SDKs a Go service would otherwise use: LaunchDarkly's server-side
// evaluator and GrowthBook's client, all in the same run.
package rollout
