package debug_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
)

const token = "let-me-in"

func tokenAuthorizer(r *http.Request) error {
	if r.Header.Get("X-Token") != token {
		return errors.New("bad or missing X-Token")
	}
	return nil
}

// post sends a form to the setter and decodes its answer.
func post(t *testing.T, f *fixture, method string, form url.Values, header ...string) (int, http.Header, debug.SetResult) {
	t.Helper()
	req, err := http.NewRequest(method, f.url(debug.Path+"/set"), strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	status, hdr, body := do(t, req)
	var res debug.SetResult
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatalf("%s /set: status %d, answer not JSON: %v: %q", method, status, err, body)
	}
	return status, hdr, res
}

func form(name, value string) url.Values { return url.Values{"name": {name}, "value": {value}} }

func TestSetterIsOffByDefault(t *testing.T) {
	f := newFixture(t)
	status, _, res := post(t, f, http.MethodPost, form("rate", "5"), "X-Token", token)
	if status != http.StatusForbidden || f.rate.Get() != 100 {
		t.Fatalf("status %d (%+v), rate %d: want 403 and rate untouched", status, res, f.rate.Get())
	}
	for _, s := range flagz.EngineFor(f.fs).Sources() {
		if s.Name == debug.SourceName {
			t.Errorf("a disabled setter registered source %q", s.Name)
		}
	}
}

func TestSetterRefusesUnauthorizedRequests(t *testing.T) {
	cases := []struct {
		name   string
		opt    debug.Option
		header []string
	}{
		{"nil authorizer", debug.WithSetter(nil), []string{"X-Token", token}},
		{"no token", debug.WithSetter(tokenAuthorizer), nil},
		{"wrong token", debug.WithSetter(tokenAuthorizer), []string{"X-Token", "guess"}},
		{"cross-origin browser request", debug.WithSetter(tokenAuthorizer), []string{"X-Token", token, "Sec-Fetch-Site", "cross-site"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.opt)
			status, _, res := post(t, f, http.MethodPost, form("rate", "5"), c.header...)
			if status != http.StatusForbidden || res.Error == "" {
				t.Fatalf("status %d, answer %+v: want 403 with a reason", status, res)
			}
			if f.rate.Get() != 100 {
				t.Fatalf("rate = %d after a refused request", f.rate.Get())
			}
		})
	}
}

func TestSetterAnswers(t *testing.T) {
	f := newFixture(t, debug.WithSetter(tokenAuthorizer))
	notified := make(chan [2]int64, 10)
	f.rate.WithNotifier(func(old, new int64) { notified <- [2]int64{old, new} })

	status, hdr, res := post(t, f, http.MethodGet, form("rate", "5"), "X-Token", token)
	if status != http.StatusMethodNotAllowed || hdr.Get("Allow") != "POST" {
		t.Errorf("GET: status %d, Allow %q, want 405 and POST", status, hdr.Get("Allow"))
	}
	status, _, _ = post(t, f, http.MethodPut, form("rate", "5"), "X-Token", token)
	if status != http.StatusMethodNotAllowed {
		t.Errorf("PUT: status %d, want 405", status)
	}

	status, _, res = post(t, f, http.MethodPost, form("no-such-flag", "1"), "X-Token", token)
	if status != http.StatusNotFound || res.Result != "unknown" || !strings.Contains(res.Error, "no-such-flag") {
		t.Errorf("unknown flag: status %d, %+v", status, res)
	}

	status, _, res = post(t, f, http.MethodPost, form("port", "9090"), "X-Token", token)
	if status != http.StatusBadRequest || res.Result != "restart_required" || !strings.Contains(res.Error, "static") || res.Value != "8080" {
		t.Errorf("static flag: status %d, %+v", status, res)
	}

	for _, bad := range []string{"abc", "20000"} {
		status, _, res = post(t, f, http.MethodPost, form("rate", bad), "X-Token", token)
		if status != http.StatusBadRequest || res.Result != "rejected" || res.Value != "100" {
			t.Errorf("bad value %q: status %d, %+v", bad, status, res)
		}
		if f.rate.Get() != 100 {
			t.Errorf("bad value %q changed rate to %d", bad, f.rate.Get())
		}
	}
	if !strings.Contains(res.Error, "not in range") {
		t.Errorf("out-of-range answer does not give the reason: %q", res.Error)
	}

	for _, malformed := range []url.Values{{"value": {"1"}}, {"name": {"rate"}}} {
		status, _, res = post(t, f, http.MethodPost, malformed, "X-Token", token)
		if status != http.StatusBadRequest || res.Error == "" {
			t.Errorf("malformed %v: status %d, %+v", malformed, status, res)
		}
	}

	status, _, res = post(t, f, http.MethodPost, form("rate", "250"), "X-Token", token)
	if status != http.StatusOK || res.Result != "applied" || res.Value != "250" || f.rate.Get() != 250 {
		t.Fatalf("good value: status %d, %+v, rate %d", status, res, f.rate.Get())
	}
	f.rate.WaitNotified()
	select {
	case got := <-notified:
		if got != [2]int64{100, 250} {
			t.Errorf("notifier got %v, want [100 250]", got)
		}
	default:
		t.Fatal("the notifier was not called")
	}

	// Recorded like any other source's change.
	st, _ := flagz.EngineFor(f.fs).Flag("rate")
	if c := st.LastChange; c == nil || c.Source != debug.SourceName || c.New != "250" {
		t.Errorf("last change = %+v", c)
	}
	if r := st.LastRejection; r == nil || r.Source != debug.SourceName || r.New != "20000" {
		t.Errorf("last rejection = %+v", r)
	}

	// JSON body.
	req, _ := http.NewRequest(http.MethodPost, f.url(debug.Path+"/set"), strings.NewReader(`{"name":"greeting","value":""}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Token", token)
	status, _, body := do(t, req)
	if status != http.StatusOK || f.name.Get() != "" {
		t.Errorf("JSON body: status %d, %s, greeting %q", status, body, f.name.Get())
	}
	req, _ = http.NewRequest(http.MethodPost, f.url(debug.Path+"/set"), strings.NewReader(`{"name":"greeting","valu":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Token", token)
	if status, _, body := do(t, req); status != http.StatusBadRequest {
		t.Errorf("JSON body with an unknown field: status %d, %s", status, body)
	}
}
