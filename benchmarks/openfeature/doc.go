// Package openfeature measures flag evaluation through OpenFeature: the
// flagz provider (ofprovider) beside the SDK's own in-memory provider
// (memprovider), through an openfeature.Client and called directly, in
// the same run.
package openfeature
