package ofprovider_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/ofprovider"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/spf13/pflag"
)

// The scenarios of OpenFeature's specification (evaluation.feature) that
// need no targeting language, run through the SDK against this provider.
// The specification's flags are declared with other defaults and set by a
// source, as a service's flags are.
func TestSpecificationScenarios(t *testing.T) {
	fs := pflag.NewFlagSet(t.Name(), pflag.ContinueOnError)
	flagz.DynBool(fs, "boolean-flag", false, "")
	flagz.DynString(fs, "string-flag", "", "")
	flagz.DynInt64(fs, "integer-flag", 0, "")
	flagz.DynFloat64(fs, "float-flag", 0, "")
	flagz.DynJSON(fs, "object-flag", &map[string]any{}, "")
	flagz.DynBool(fs, "boolean-zero-flag", true, "")
	flagz.DynString(fs, "string-zero-flag", "x", "")
	flagz.DynInt64(fs, "integer-zero-flag", 1, "")
	flagz.DynFloat64(fs, "float-zero-flag", 1, "")
	flagz.DynString(fs, "wrong-flag", "", "")
	src := flagz.EngineFor(fs).Source("spec", quiet)
	src.Load(1, map[string]string{
		"boolean-flag": "true", "string-flag": "hi", "integer-flag": "10", "float-flag": "0.5",
		"object-flag":       `{"showImages": true, "title": "Check out these pics!", "imagesPerPage": 100}`,
		"boolean-zero-flag": "false", "string-zero-flag": "", "integer-zero-flag": "0", "float-zero-flag": "0.0",
		"wrong-flag": "i'm a string",
	})
	c := serve(t, ofprovider.New(fs))
	ctx := context.Background()

	type details struct {
		value  any
		reason openfeature.Reason
		code   openfeature.ErrorCode
	}
	evaluate := func(typ, key string, def any) details {
		switch typ {
		case "Boolean":
			d, _ := c.BooleanValueDetails(ctx, key, def.(bool), noCtx())
			return details{d.Value, d.Reason, d.ErrorCode}
		case "String":
			d, _ := c.StringValueDetails(ctx, key, def.(string), noCtx())
			return details{d.Value, d.Reason, d.ErrorCode}
		case "Integer":
			d, _ := c.IntValueDetails(ctx, key, def.(int64), noCtx())
			return details{d.Value, d.Reason, d.ErrorCode}
		case "Float":
			d, _ := c.FloatValueDetails(ctx, key, def.(float64), noCtx())
			return details{d.Value, d.Reason, d.ErrorCode}
		default:
			d, _ := c.ObjectValueDetails(ctx, key, def, noCtx())
			return details{d.Value, d.Reason, d.ErrorCode}
		}
	}
	scenarios := []struct {
		scenario, typ, key string
		def                any
		want               details
	}{
		{"Resolves boolean value", "Boolean", "boolean-flag", false, details{true, "STATIC", ""}},
		{"Resolves string value", "String", "string-flag", "bye", details{"hi", "STATIC", ""}},
		{"Resolves integer value", "Integer", "integer-flag", int64(1), details{int64(10), "STATIC", ""}},
		{"Resolves float value", "Float", "float-flag", 0.1, details{0.5, "STATIC", ""}},
		{"Resolves object value", "Object", "object-flag", nil, details{
			map[string]any{"showImages": true, "title": "Check out these pics!", "imagesPerPage": 100.0}, "STATIC", ""}},
		{"Resolves boolean zero value", "Boolean", "boolean-zero-flag", true, details{false, "STATIC", ""}},
		{"Resolves string zero value", "String", "string-zero-flag", "hi", details{"", "STATIC", ""}},
		{"Resolves integer zero value", "Integer", "integer-zero-flag", int64(1), details{int64(0), "STATIC", ""}},
		{"Resolves float zero value", "Float", "float-zero-flag", 0.1, details{0.0, "STATIC", ""}},
		{"Flag not found", "String", "missing-flag", "uh-oh", details{"uh-oh", "ERROR", openfeature.FlagNotFoundCode}},
		{"Type error", "Integer", "wrong-flag", int64(13), details{int64(13), "ERROR", openfeature.TypeMismatchCode}},
	}
	for _, sc := range scenarios {
		t.Run(sc.scenario, func(t *testing.T) {
			if got := evaluate(sc.typ, sc.key, sc.def); !reflect.DeepEqual(got, sc.want) {
				t.Errorf("%s %q (default %v): %+v, want %+v", sc.typ, sc.key, sc.def, got, sc.want)
			}
		})
	}
}

// Scenario "Provider not ready": before Init completes, the client answers
// the default with PROVIDER_NOT_READY (TestNotReadyUntilTheSourcesLoad
// covers it through a source that has not loaded).
