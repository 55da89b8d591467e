package flagz

import (
	"fmt"

	"github.com/flagz-go/flagz/schema"
)

// ValidateDynRolloutRange returns a validator accepting rollouts whose share
// stays within [minBasisPoints, maxBasisPoints] (0 to 10000; 1250 is
// 12.5%): the share itself, or, for a ramp, both its From and its To. Use it
// to cap how far one write may roll a feature out:
//
//	flagz.DynRollout(fs, "checkout_v2", flagz.Rollout{}, "new checkout").
//		WithValidator(flagz.ValidateDynRolloutRange(0, 2000)) // at most 20%
func ValidateDynRolloutRange(minBasisPoints, maxBasisPoints int) func(Rollout) error {
	return describeAs(validateRolloutRange(minBasisPoints, maxBasisPoints), schema.Constraint{Kind: schema.Rollout,
		Min: formatPercent(minBasisPoints) + "%", Max: formatPercent(maxBasisPoints) + "%"})
}

func validateRolloutRange(lo, hi int) func(Rollout) error {
	name := fmt.Sprintf("ValidateDynRolloutRange(%s%%, %s%%)", formatPercent(lo), formatPercent(hi))
	outside := func(bp int) bool { return bp < lo || bp > hi }
	return func(r Rollout) error {
		switch {
		case r.Ramp != nil && (outside(r.Ramp.From) || outside(r.Ramp.To)):
			return &validatorError{validator: name, msg: fmt.Sprintf("ramp %s%%..%s%% leaves the allowed shares %s%% to %s%%",
				formatPercent(r.Ramp.From), formatPercent(r.Ramp.To), formatPercent(lo), formatPercent(hi))}
		case r.Ramp == nil && outside(r.BasisPoints):
			return &validatorError{validator: name, msg: fmt.Sprintf("share %s%% outside the allowed shares %s%% to %s%%",
				formatPercent(r.BasisPoints), formatPercent(lo), formatPercent(hi))}
		}
		return nil
	}
}
