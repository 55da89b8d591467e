package openfeature

import (
	"context"
	"log/slog"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/ofprovider"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
	"github.com/spf13/pflag"
)

// The flags every case reads: set by a source, so flagz answers STATIC with
// its full metadata (source, revision, dynamic), as in a service.
var (
	fs = func() *pflag.FlagSet {
		fs := pflag.NewFlagSet("bench", pflag.ContinueOnError)
		flagz.DynBool(fs, "on", false, "")
		flagz.DynString(fs, "greeting", "hi", "")
		flagz.DynInt64(fs, "limit", 1, "")
		flagz.DynFloat64(fs, "ratio", 0.5, "")
		src := flagz.EngineFor(fs).Source("bench", slog.New(slog.DiscardHandler))
		src.Load(1, map[string]string{"on": "true", "greeting": "hello", "limit": "100", "ratio": "0.25"})
		return fs
	}()
	flagzProvider  = ofprovider.New(fs)
	flagzNoMeta    = ofprovider.New(fs, ofprovider.WithoutMetadata())
	memoryProvider = memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
		"on":       {Key: "on", State: memprovider.Enabled, DefaultVariant: "on", Variants: map[string]any{"on": true, "off": false}},
		"greeting": {Key: "greeting", State: memprovider.Enabled, DefaultVariant: "hello", Variants: map[string]any{"hello": "hello", "hi": "hi"}},
		"limit":    {Key: "limit", State: memprovider.Enabled, DefaultVariant: "high", Variants: map[string]any{"high": int64(100), "low": int64(1)}},
		"ratio":    {Key: "ratio", State: memprovider.Enabled, DefaultVariant: "low", Variants: map[string]any{"low": 0.25, "high": 0.5}},
	})
)

// client sets p as the provider of domain and returns a client of it.
func client(b *testing.B, domain string, p openfeature.FeatureProvider) *openfeature.Client {
	b.Helper()
	if err := openfeature.SetNamedProviderWithContextAndWait(context.Background(), domain, p); err != nil {
		b.Fatal(err)
	}
	return openfeature.NewClient(domain)
}

var (
	sinkBool   bool
	sinkString string
	sinkInt    int64
	sinkFloat  float64
)

// BenchmarkClient evaluates through openfeature.Client's BooleanValue and
// StringValue, what an application calls. The "-nometadata" cases run
// flagz with WithoutMetadata.
func BenchmarkClient(b *testing.B) {
	ctx := context.Background()
	evalCtx := openfeature.EvaluationContext{}
	clients := []struct {
		name string
		c    *openfeature.Client
	}{
		{"flagz", client(b, "flagz", flagzProvider)},
		{"memprovider", client(b, "memprovider", memoryProvider)},
	}
	noMeta := client(b, "flagz-nometadata", flagzNoMeta)
	for _, kase := range []string{"bool", "string", "bool-nometadata", "string-nometadata"} {
		for _, impl := range clients {
			c := impl.c
			if impl.name == "flagz" && (kase == "bool-nometadata" || kase == "string-nometadata") {
				c = noMeta
			}
			b.Run(kase+"/"+impl.name, func(b *testing.B) {
				b.ReportAllocs()
				switch kase {
				case "bool", "bool-nometadata":
					for b.Loop() {
						sinkBool, _ = c.BooleanValue(ctx, "on", false, evalCtx)
					}
					if !sinkBool {
						b.Fatal("on is false")
					}
				default:
					for b.Loop() {
						sinkString, _ = c.StringValue(ctx, "greeting", "", evalCtx)
					}
					if sinkString != "hello" {
						b.Fatalf("greeting is %q", sinkString)
					}
				}
			})
		}
	}
}

// BenchmarkProvider calls the providers' evaluations directly, as the SDK
// does.
func BenchmarkProvider(b *testing.B) {
	ctx := context.Background()
	flat := openfeature.FlattenedContext{}
	providers := []struct {
		name string
		p    openfeature.FeatureProvider
	}{{"flagz", flagzProvider}, {"memprovider", memoryProvider}}
	for _, impl := range providers {
		p := impl.p
		b.Run("bool/"+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkBool = p.BooleanEvaluation(ctx, "on", false, flat).Value
			}
		})
	}
	for _, impl := range providers {
		p := impl.p
		b.Run("int/"+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkInt = p.IntEvaluation(ctx, "limit", 0, flat).Value
			}
		})
	}
	for _, impl := range providers {
		p := impl.p
		b.Run("float/"+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkFloat = p.FloatEvaluation(ctx, "ratio", 0, flat).Value
			}
		})
	}
	for _, impl := range providers {
		p := impl.p
		b.Run("string/"+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkString = p.StringEvaluation(ctx, "greeting", "", flat).Value
			}
		})
	}
}
