package demo

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/flagz-go/flagz/ofprovider"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/isolated"
	"github.com/spf13/pflag"
)

// Evaluation is one flag as GET /openfeature answers it: what an
// openfeature.Client gives for it.
type Evaluation struct {
	Value     any    `json:"value"`
	Reason    string `json:"reason"`
	ErrorCode string `json:"error_code,omitempty"`
	Source    string `json:"source,omitempty"`
	Revision  int64  `json:"revision,omitempty"`
}

// handleOpenFeature adds GET /openfeature: the service's flags read through
// an OpenFeature client whose provider is flagz's (ofprovider), on an
// OpenFeature API instance of its own. Until the flag set's sources have
// loaded the client answers the defaults with PROVIDER_NOT_READY.
func handleOpenFeature(mux *http.ServeMux, fs *pflag.FlagSet, logger *slog.Logger) error {
	api := isolated.NewAPI()
	if err := api.SetProvider(context.Background(), ofprovider.New(fs)); err != nil {
		return fmt.Errorf("set the OpenFeature provider: %w", err)
	}
	client := api.NewClient()
	answers := &service{logger: logger} // for writeJSON
	mux.HandleFunc("GET /openfeature", func(w http.ResponseWriter, r *http.Request) {
		ctx, none := r.Context(), openfeature.EvaluationContext{}
		answer := map[string]Evaluation{}
		add := func(name string, value any, d openfeature.EvaluationDetails) {
			e := Evaluation{Value: value, Reason: string(d.Reason), ErrorCode: string(d.ErrorCode)}
			e.Source, _ = d.FlagMetadata.GetString("source")
			e.Revision, _ = d.FlagMetadata.GetInt("revision")
			answer[name] = e
		}
		g, _ := client.StringValueDetails(ctx, FlagGreeting, DefaultGreeting, none)
		add(FlagGreeting, g.Value, g.EvaluationDetails)
		sh, _ := client.BooleanValueDetails(ctx, FlagShout, false, none)
		add(FlagShout, sh.Value, sh.EvaluationDetails)
		rl, _ := client.IntValueDetails(ctx, FlagRateLimit, DefaultRateLimit, none)
		add(FlagRateLimit, rl.Value, rl.EvaluationDetails)
		rt, _ := client.ObjectValueDetails(ctx, FlagRoutes, nil, none)
		add(FlagRoutes, rt.Value, rt.EvaluationDetails)
		answers.writeJSON(w, answer)
	})
	return nil
}
