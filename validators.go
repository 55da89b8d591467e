package flagz

import (
	"fmt"
	"regexp"
)

// ValidateDynInt64Range returns a validator accepting values in
// [fromInclusive, toInclusive].
func ValidateDynInt64Range(fromInclusive, toInclusive int64) func(int64) error {
	return validateRange("ValidateDynInt64Range", fromInclusive, toInclusive)
}

// ValidateDynFloat64Range returns a validator accepting values in
// [fromInclusive, toInclusive].
func ValidateDynFloat64Range(fromInclusive, toInclusive float64) func(float64) error {
	return validateRange("ValidateDynFloat64Range", fromInclusive, toInclusive)
}

func validateRange[N int64 | float64](validator string, from, to N) func(N) error {
	return func(v N) error {
		if !(v >= from && v <= to) { // written so that NaN fails
			return &validatorError{validator: fmt.Sprintf("%s(%v, %v)", validator, from, to),
				msg: fmt.Sprintf("value %v not in range [%v, %v]", v, from, to)}
		}
		return nil
	}
}

// ValidateDynStringMatchesRegex returns a validator accepting strings the
// regular expression matches.
func ValidateDynStringMatchesRegex(re *regexp.Regexp) func(string) error {
	return func(v string) error {
		if !re.MatchString(v) {
			return &validatorError{validator: "ValidateDynStringMatchesRegex(" + re.String() + ")",
				msg: fmt.Sprintf("value %q does not match %q", v, re.String())}
		}
		return nil
	}
}

// ValidateDynStringSliceMinElements returns a validator accepting lists of
// at least count items.
func ValidateDynStringSliceMinElements(count int) func([]string) error {
	return func(v []string) error { return checkMinElements("ValidateDynStringSliceMinElements", len(v), count) }
}

// ValidateDynStringSetMinElements returns a validator accepting sets of at
// least count items.
func ValidateDynStringSetMinElements(count int) func(map[string]struct{}) error {
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
