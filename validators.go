package flagz

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/flagz-go/flagz/schema"
)

// The validators below describe themselves: a flag's schema (Engine.Schema)
// publishes their rules as Constraints, which tools outside the process
// check before they write a value (Preflight).

// ValidateDynInt64Range returns a validator accepting values in
// [fromInclusive, toInclusive].
func ValidateDynInt64Range(fromInclusive, toInclusive int64) func(int64) error {
	return describeAs(validateRange("ValidateDynInt64Range", fromInclusive, toInclusive),
		schema.Constraint{Kind: schema.Range, Min: strconv.FormatInt(fromInclusive, 10), Max: strconv.FormatInt(toInclusive, 10)})
}

// ValidateDynFloat64Range returns a validator accepting values in
// [fromInclusive, toInclusive].
func ValidateDynFloat64Range(fromInclusive, toInclusive float64) func(float64) error {
	return describeAs(validateRange("ValidateDynFloat64Range", fromInclusive, toInclusive),
		schema.Constraint{Kind: schema.Range, Min: float64Codec.format(fromInclusive), Max: float64Codec.format(toInclusive)})
}

// ValidateDynDurationRange returns a validator accepting durations in
// [fromInclusive, toInclusive].
func ValidateDynDurationRange(fromInclusive, toInclusive time.Duration) func(time.Duration) error {
	return describeAs(validateRange("ValidateDynDurationRange", fromInclusive, toInclusive),
		schema.Constraint{Kind: schema.Range, Min: fromInclusive.String(), Max: toInclusive.String()})
}

func validateRange[N ~int64 | ~float64](validator string, from, to N) func(N) error {
	return func(v N) error {
		if !(v >= from && v <= to) { // written so that NaN fails
			return &validatorError{validator: fmt.Sprintf("%s(%v, %v)", validator, from, to),
				msg: fmt.Sprintf("not in range [%v, %v]", from, to)}
		}
		return nil
	}
}

// ValidateDynStringMatchesRegex returns a validator accepting strings the
// regular expression matches.
func ValidateDynStringMatchesRegex(re *regexp.Regexp) func(string) error {
	return describeAs(validateRegex(re), schema.Constraint{Kind: schema.Regex, Pattern: re.String()})
}

func validateRegex(re *regexp.Regexp) func(string) error {
	return func(v string) error {
		if !re.MatchString(v) {
			return &validatorError{validator: "ValidateDynStringMatchesRegex(" + re.String() + ")",
				msg: fmt.Sprintf("does not match %q", re.String())}
		}
		return nil
	}
}

// ValidateDynStringSliceMinElements returns a validator accepting lists of
// at least count items.
func ValidateDynStringSliceMinElements(count int) func([]string) error {
	return describeAs(validateSliceMinElements(count), schema.Constraint{Kind: schema.MinElements, Count: count})
}

func validateSliceMinElements(count int) func([]string) error {
	return func(v []string) error { return checkMinElements("ValidateDynStringSliceMinElements", len(v), count) }
}

// ValidateDynStringSetMinElements returns a validator accepting sets of at
// least count items.
func ValidateDynStringSetMinElements(count int) func(map[string]struct{}) error {
	return describeAs(validateSetMinElements(count), schema.Constraint{Kind: schema.MinElements, Count: count})
}

func validateSetMinElements(count int) func(map[string]struct{}) error {
	return func(v map[string]struct{}) error {
		return checkMinElements("ValidateDynStringSetMinElements", len(v), count)
	}
}

func checkMinElements(validator string, have, want int) error {
	if have < want {
		return &validatorError{validator: fmt.Sprintf("%s(%d)", validator, want),
			msg: fmt.Sprintf("%d elements, want at least %d", have, want)}
	}
	return nil
}
