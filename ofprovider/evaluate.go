package ofprovider

import (
	"context"
	"fmt"

	"github.com/flagz-go/flagz"
	"github.com/open-feature/go-sdk/openfeature"
)

// BooleanEvaluation answers for a bool flag, or for a rollout with the
// context's targeting key.
func (p *Provider) BooleanEvaluation(_ context.Context, name string, def bool, flat openfeature.FlattenedContext) openfeature.BoolResolutionDetail {
	fl := p.flag(name)
	if fl == nil {
		return openfeature.BoolResolutionDetail{Value: def, ProviderResolutionDetail: notFound(name)}
	}
	switch fl.kind {
	case kindBool:
		return openfeature.BoolResolutionDetail{Value: fl.boolValue(), ProviderResolutionDetail: fl.resolved(p.metadata)}
	case kindRollout:
		key, _ := flat[openfeature.TargetingKey].(string)
		if key == "" {
			return openfeature.BoolResolutionDetail{Value: def, ProviderResolutionDetail: failed(
				openfeature.NewTargetingKeyMissingResolutionError(fmt.Sprintf("flag %q is a rollout: it needs the evaluation context's targeting key", name)))}
		}
		d := fl.resolved(p.metadata)
		on := fl.v.(*flagz.DynRolloutValue).Enabled(key)
		d.Variant = variant(on)
		return openfeature.BoolResolutionDetail{Value: on, ProviderResolutionDetail: d}
	case kindCopied:
		if c := fl.copied.Load(); c.kind == kindBool {
			return openfeature.BoolResolutionDetail{Value: c.b, ProviderResolutionDetail: c.resolved}
		}
	}
	return openfeature.BoolResolutionDetail{Value: def, ProviderResolutionDetail: p.mismatch(fl, "a bool")}
}

// StringEvaluation answers for a string flag, or a duration's text.
func (p *Provider) StringEvaluation(_ context.Context, name string, def string, _ openfeature.FlattenedContext) openfeature.StringResolutionDetail {
	fl := p.flag(name)
	if fl == nil {
		return openfeature.StringResolutionDetail{Value: def, ProviderResolutionDetail: notFound(name)}
	}
	switch fl.kind {
	case kindString, kindDuration:
		return openfeature.StringResolutionDetail{Value: fl.stringValue(), ProviderResolutionDetail: fl.resolved(p.metadata)}
	case kindCopied:
		if c := fl.copied.Load(); c.kind == kindString || c.kind == kindDuration {
			return openfeature.StringResolutionDetail{Value: c.s, ProviderResolutionDetail: c.resolved}
		}
	}
	return openfeature.StringResolutionDetail{Value: def, ProviderResolutionDetail: p.mismatch(fl, "a string")}
}

// FloatEvaluation answers for a float or an integer flag.
func (p *Provider) FloatEvaluation(_ context.Context, name string, def float64, _ openfeature.FlattenedContext) openfeature.FloatResolutionDetail {
	fl := p.flag(name)
	if fl == nil {
		return openfeature.FloatResolutionDetail{Value: def, ProviderResolutionDetail: notFound(name)}
	}
	switch fl.kind {
	case kindFloat:
		return openfeature.FloatResolutionDetail{Value: fl.floatValue(), ProviderResolutionDetail: fl.resolved(p.metadata)}
	case kindInt:
		return openfeature.FloatResolutionDetail{Value: float64(fl.intValue()), ProviderResolutionDetail: fl.resolved(p.metadata)}
	case kindCopied:
		if c := fl.copied.Load(); c.kind == kindFloat || c.kind == kindInt {
			return openfeature.FloatResolutionDetail{Value: c.f, ProviderResolutionDetail: c.resolved}
		}
	}
	return openfeature.FloatResolutionDetail{Value: def, ProviderResolutionDetail: p.mismatch(fl, "a float")}
}

// IntEvaluation answers for an integer flag; a float flag is a mismatch.
func (p *Provider) IntEvaluation(_ context.Context, name string, def int64, _ openfeature.FlattenedContext) openfeature.IntResolutionDetail {
	fl := p.flag(name)
	if fl == nil {
		return openfeature.IntResolutionDetail{Value: def, ProviderResolutionDetail: notFound(name)}
	}
	switch fl.kind {
	case kindInt:
		return openfeature.IntResolutionDetail{Value: fl.intValue(), ProviderResolutionDetail: fl.resolved(p.metadata)}
	case kindCopied:
		if c := fl.copied.Load(); c.kind == kindInt {
			return openfeature.IntResolutionDetail{Value: c.i, ProviderResolutionDetail: c.resolved}
		}
	}
	return openfeature.IntResolutionDetail{Value: def, ProviderResolutionDetail: p.mismatch(fl, "an integer")}
}

func variant(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

func notFound(name string) openfeature.ProviderResolutionDetail {
	return failed(openfeature.NewFlagNotFoundResolutionError(fmt.Sprintf("no flag %q in the flag set", name)))
}

// mismatch is the answer to an evaluation of the wrong type, and to any
// evaluation of a sensitive flag: its value is never served, since
// OpenFeature's hooks (telemetry, logs) may record what an evaluation
// returns and flagz cannot redact it there.
func (p *Provider) mismatch(fl *flagEntry, want string) openfeature.ProviderResolutionDetail {
	if fl.kind == kindSensitive {
		return failed(openfeature.NewGeneralResolutionError(fmt.Sprintf(
			"flag %q is sensitive: flagz does not serve it through OpenFeature; read it from its flag", fl.h.Name())))
	}
	return failed(openfeature.NewTypeMismatchResolutionError(fmt.Sprintf("flag %q is %s, not %s", fl.h.Name(), typeName(fl), want)))
}

// typeName says what a flag is, for errors.
func typeName(fl *flagEntry) string {
	if t, ok := fl.v.(interface{ Type() string }); ok && t.Type() != "" {
		return t.Type()
	}
	return fmt.Sprintf("%T", fl.v)
}

func failed(err openfeature.ResolutionError) openfeature.ProviderResolutionDetail {
	return openfeature.ProviderResolutionDetail{ResolutionError: err, Reason: openfeature.ErrorReason}
}
