package flagz

import (
	"regexp"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// go-flagz's exported API, each name assigned to a variable of the function
// type go-flagz declares it with: code written against go-flagz, including
// code that keeps these functions in variables, compiles against flagz.
// (DynJSONValue.PrettyString and NewStatusEndpoint are not carried over; see
// debug.NewHandler for the status page.)
var (
	_ func(*pflag.FlagSet, string, int64, string) *DynInt64Value                   = DynInt64
	_ func(*pflag.FlagSet, string, float64, string) *DynFloat64Value               = DynFloat64
	_ func(*pflag.FlagSet, string, string, string) *DynStringValue                 = DynString
	_ func(*pflag.FlagSet, string, time.Duration, string) *DynDurationValue        = DynDuration
	_ func(*pflag.FlagSet, string, []string, string) *DynStringSliceValue          = DynStringSlice
	_ func(*pflag.FlagSet, string, []string, string) *DynStringSetValue            = DynStringSet
	_ func(*pflag.FlagSet, string, interface{}, string) *DynJSONValue              = DynJSON
	_ func(*pflag.FlagSet, string, string) *FileReadValue                          = FileReadFlag
	_ func(*pflag.FlagSet) error                                                   = ReadFileFlags
	_ func(*pflag.FlagSet, func(*pflag.Flag) bool) []byte                          = ChecksumFlagSet
	_ func(*pflag.Flag)                                                            = MarkFlagDynamic
	_ func(*pflag.Flag) bool                                                       = IsFlagDynamic
	_ func(int64, int64) func(int64) error                                         = ValidateDynInt64Range
	_ func(float64, float64) func(float64) error                                   = ValidateDynFloat64Range
	_ func(*regexp.Regexp) func(string) error                                      = ValidateDynStringMatchesRegex
	_ func(int) func([]string) error                                               = ValidateDynStringSliceMinElements
	_ func(int) func(map[string]struct{}) error                                    = ValidateDynStringSetMinElements
	_ func(*DynJSONValue, string) *DynJSONValue                                    = (*DynJSONValue).WithFileFlag
	_ func(*DynJSONValue, func(interface{}) error) *DynJSONValue                   = (*DynJSONValue).WithValidator
	_ func(*DynJSONValue, func(interface{}, interface{})) *DynJSONValue            = (*DynJSONValue).WithNotifier
	_ func(*DynJSONValue) interface{}                                              = (*DynJSONValue).Get
	_ func(*DynInt64Value, func(int64) error) *DynInt64Value                       = (*DynInt64Value).WithValidator
	_ func(*DynInt64Value, func(int64, int64)) *DynInt64Value                      = (*DynInt64Value).WithNotifier
	_ func(*DynStringSetValue, func(map[string]struct{}) error) *DynStringSetValue = (*DynStringSetValue).WithValidator
	_ func(*DynStringSetValue, func(a, b map[string]struct{})) *DynStringSetValue  = (*DynStringSetValue).WithNotifier
	_ func(*DynStringSetValue, string) bool                                        = (*DynStringSetValue).Contains
	_ func(*DynStringSetValue) map[string]struct{}                                 = (*DynStringSetValue).Get
	_ func(*FileReadValue, string) error                                           = (*FileReadValue).Set
)

// Every value reports go-flagz's Type() string, except DynStringSet: go-flagz
// reports "dyn_stringslice" for it too, flagz tells the two apart.
func TestGoFlagzTypeNames(t *testing.T) {
	fs := newFlagSet(t)
	for _, c := range []struct {
		value interface{ Type() string }
		want  string
	}{
		{DynInt64(fs, "i", 0, ""), "dyn_int64"},
		{DynFloat64(fs, "f", 0, ""), "dyn_float64"},
		{DynString(fs, "s", "", ""), "dyn_string"},
		{DynDuration(fs, "d", 0, ""), "dyn_duration"},
		{DynStringSlice(fs, "sl", nil, ""), "dyn_stringslice"},
		{DynStringSet(fs, "set", nil, ""), "dyn_stringset"},
		{DynJSON(fs, "j", &struct{}{}, ""), "dyn_json"},
		{FileReadFlag(fs, "j", ""), "fileread"},
	} {
		if got := c.value.Type(); got != c.want {
			t.Errorf("%T.Type() = %q, want %q", c.value, got, c.want)
		}
	}
}
