package debug_test

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
)

// postAs sends a form to the setter addressed to host (the Host header),
// and returns the status, the headers and the raw answer.
func postAs(t *testing.T, f *fixture, host string, form url.Values, header ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.url(debug.Path+"/set"), strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, req)
}

// A DNS-rebinding attack: a page on a name its attacker controls makes the
// name resolve to 127.0.0.1 and posts as its own origin, so the request
// arrives from loopback with a matching Origin and Sec-Fetch-Site:
// same-origin, past the cross-origin checks and a loopback authorizer. The
// setter refuses it for its Host, which is neither localhost, an IP
// address nor a name given to WithAllowedHosts, and says how to allow one.
func TestSetterRefusesRebindingHosts(t *testing.T) {
	f := newFixture(t, debug.WithSetter(tokenAuthorizer), debug.WithAllowedHosts("Flags.Example.com", "ops.example.com:8443"))
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(f.srv.URL, "http://"))
	for _, c := range []struct {
		host string
		want int
	}{
		{"rebind.attacker.example:" + port, http.StatusForbidden},
		{"localhost.attacker.example:" + port, http.StatusForbidden},
		{"127.0.0.1.nip.io:" + port, http.StatusForbidden},
		{"example.com", http.StatusForbidden},
		{"localhost:" + port, http.StatusOK},
		{"LOCALHOST.", http.StatusOK},
		{"127.0.0.1:" + port, http.StatusOK},
		{"[::1]:" + port, http.StatusOK},
		{"10.0.0.7", http.StatusOK},
		{"flags.example.com:" + port, http.StatusOK},
		{"ops.example.com", http.StatusOK},
	} {
		origin := "http://" + c.host
		status, _, body := postAs(t, f, c.host, form("rate", "5"),
			"X-Token", token, "Origin", origin, "Sec-Fetch-Site", "same-origin")
		if status != c.want {
			t.Errorf("Host %s: status %d (%s), want %d", c.host, status, body, c.want)
		}
		if c.want == http.StatusForbidden {
			name, _, _ := strings.Cut(c.host, ":")
			if !strings.Contains(body, `debug.WithAllowedHosts(\"`+name+`\")`) {
				t.Errorf("Host %s: the refusal does not say how to allow the name: %s", c.host, body)
			}
		}
	}
	if f.rate.Get() != 5 {
		t.Errorf("rate = %d, want 5 from the allowed requests", f.rate.Get())
	}
	if err := flagz.EngineFor(f.fs).Source(debug.SourceName, nil).Update(0, map[string]string{"rate": "100"}).Err(); err != nil {
		t.Fatal(err)
	}
	status, _, _ := postAs(t, f, "rebind.attacker.example", form("rate", "7"), "X-Token", token)
	if status != http.StatusForbidden || f.rate.Get() != 100 {
		t.Errorf("a refused Host changed rate to %d (status %d)", f.rate.Get(), status)
	}
}

// Every answer of the setter, refusals included, carries the headers the
// page carries: no sniffing a JSON answer into HTML, no caching.
func TestSetterAnswersAreNotSniffedOrCached(t *testing.T) {
	on := newFixture(t, debug.WithSetter(tokenAuthorizer))
	off := newFixture(t)
	for _, c := range []struct {
		f      *fixture
		host   string
		form   url.Values
		header []string
		want   int
	}{
		{on, "127.0.0.1", form("rate", "5"), []string{"X-Token", token}, http.StatusOK},
		{on, "127.0.0.1", form("rate", "x"), []string{"X-Token", token}, http.StatusBadRequest},
		{on, "127.0.0.1", form("nope", "x"), []string{"X-Token", token}, http.StatusNotFound},
		{on, "127.0.0.1", form("rate", "5"), nil, http.StatusForbidden},
		{on, "evil.example", form("rate", "5"), []string{"X-Token", token}, http.StatusForbidden},
		{off, "127.0.0.1", form("rate", "5"), []string{"X-Token", token}, http.StatusForbidden},
	} {
		status, hdr, body := postAs(t, c.f, c.host, c.form, c.header...)
		if status != c.want {
			t.Errorf("%v: status %d (%s), want %d", c.form, status, body, c.want)
		}
		if hdr.Get("X-Content-Type-Options") != "nosniff" || hdr.Get("Cache-Control") != "no-store" {
			t.Errorf("%v (status %d): X-Content-Type-Options %q, Cache-Control %q", c.form, status,
				hdr.Get("X-Content-Type-Options"), hdr.Get("Cache-Control"))
		}
	}
	_, hdr, _ := get(t, on.url(debug.Path+"/set"))
	if hdr.Get("X-Content-Type-Options") != "nosniff" || hdr.Get("Cache-Control") != "no-store" {
		t.Errorf("GET /set: headers %v", hdr)
	}
}

// The setter is no oracle for a sensitive flag's value: a right guess and a
// wrong one get the same answer (for a dynamic flag, 200 "applied" whether
// the value changed or not; for a static one the same 400), and a static
// flag's record on the page does not change either way.
func TestSetterAnswersAlikeWhateverTheGuess(t *testing.T) {
	f := newFixture(t, debug.WithSetter(tokenAuthorizer))
	flagz.DynString(f.fs, "api_key", "sk-default", "").WithSensitive()
	f.fs.String("db_password", "pg-default", "")
	flagz.MarkSensitive(f.fs, "db_password")
	if err := f.source("vault").Load(1, map[string]string{"db_password": "pg-right", "api_key": "sk-right"}).Err(); err != nil {
		t.Fatal(err)
	}
	answer := func(name, value string) string {
		t.Helper()
		status, _, body := postAs(t, f, "127.0.0.1", form(name, value), "X-Token", token)
		return http.StatusText(status) + " " + body
	}
	record := func() string {
		fl := flagOf(t, getPage(t, f, ""), "db_password")
		b, _ := json.Marshal([]any{fl.LastRejection, fl.Pending, fl.LastChange})
		return string(b)
	}

	before := record()
	right, wrong := answer("db_password", "pg-right"), answer("db_password", "pg-wrong")
	if right != wrong || !strings.HasPrefix(right, "Bad Request") {
		t.Errorf("static flag: right guess answered\n%s\nwrong guess\n%s", right, wrong)
	}
	if after := record(); after != before {
		t.Errorf("static flag: the page's record changed from %s to %s", before, after)
	}

	right = answer("api_key", "sk-right")    // unchanged
	changed := answer("api_key", "sk-other") // applied
	again := answer("api_key", "sk-other")   // unchanged
	if right != changed || changed != again || !strings.HasPrefix(right, "OK") {
		t.Errorf("dynamic flag: answers differ:\n%s\n%s\n%s", right, changed, again)
	}
	var res debug.SetResult
	if err := json.Unmarshal([]byte(strings.TrimPrefix(right, "OK ")), &res); err != nil ||
		res.Result != "applied" || res.Value != flagz.Redacted {
		t.Errorf("dynamic flag: answer %s, want applied and %s", right, flagz.Redacted)
	}
}

// With the setter on, the page says which names it answers to and how to
// add one; with it off, it says nothing about it.
func TestPageDescribesTheSetterHosts(t *testing.T) {
	on := newFixture(t, debug.WithSetter(tokenAuthorizer), debug.WithAllowedHosts("flags.example.com"))
	_, _, html := get(t, on.url(debug.Path))
	if !strings.Contains(html, `id="setter"`) || !strings.Contains(html, "flags.example.com") ||
		!strings.Contains(html, "debug.WithAllowedHosts") {
		t.Errorf("the page does not describe the setter's hosts:\n%s", html)
	}
	if p := getPage(t, on, ""); p.Setter == nil || !slices.Equal(p.Setter.AllowedHosts, []string{"flags.example.com"}) {
		t.Errorf("JSON setter = %+v", p.Setter)
	}
	off := newFixture(t)
	_, _, html = get(t, off.url(debug.Path))
	if strings.Contains(html, `id="setter"`) || getPage(t, off, "").Setter != nil {
		t.Error("the page describes a setter that is off")
	}
}
