package debug_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/record"
)

// postBody sends body to the setter (path may carry a query) with the
// content type and the token, and returns the status and the answer.
func postBody(t *testing.T, f *fixture, path, contentType, body string) (int, debug.SetResult) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.url(debug.Path+"/set"+path), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Token", token)
	status, _, raw := do(t, req)
	var res debug.SetResult
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatalf("answer not JSON: %v: %q", err, raw)
	}
	return status, res
}

// A request to a name no flag has is answered 404 and leaves nothing
// behind: the "debug" source holds none of the names or values refused, and
// records none of them. Each name and value is large, as an attacker would
// send; what the source holds is counted by replacing its content with
// nothing, which reports (returns to its default) every name it held.
func TestSetterKeepsNothingOfUnknownNames(t *testing.T) {
	f := newFixture(t, debug.WithSetter(tokenAuthorizer))
	if status, _, res := post(t, f, http.MethodPost, form("rate", "7"), "X-Token", token); status != http.StatusOK {
		t.Fatalf("known flag: status %d, %+v", status, res)
	}
	bigValue := strings.Repeat("v", 64<<10)
	const n = 150
	unbounded := 0
	for i := range n {
		name := fmt.Sprintf("no_such_flag_%03d_%s", i, strings.Repeat("n", 4<<10))
		status, _, res := post(t, f, http.MethodPost, form(name, bigValue), "X-Token", token)
		if status != http.StatusNotFound || res.Result != record.Unknown.String() {
			t.Fatalf("unknown name %d: status %d, result %q, want 404 unknown", i, status, res.Result)
		}
		if !strings.HasPrefix(res.Flag, fmt.Sprintf("no_such_flag_%03d_", i)) {
			t.Fatalf("unknown name %d: the answer names %q", i, shorten(res.Flag))
		}
		if len(res.Flag) > 300 || len(res.Error) > 400 {
			unbounded++
		}
	}
	if unbounded > 0 {
		t.Errorf("%d answers repeat the unknown name unbounded", unbounded)
	}
	src := flagz.EngineFor(f.fs).Source(debug.SourceName, nil)
	st := src.Status()
	if st.Ignored != 0 || len(st.IgnoredNames) != 0 {
		t.Errorf("the debug source recorded %d ignored names (%d kept) of refused requests", st.Ignored, len(st.IgnoredNames))
	}
	held := src.Replace(0, nil) // one outcome per name the source held
	if len(held) != 1 || held[0].Flag != "rate" {
		names := make([]string, 0, len(held))
		for _, o := range held {
			names = append(names, shorten(o.Flag))
		}
		t.Errorf("the debug source held %d names after %d refused unknown names, want only rate: %v", len(held), n, names)
	}
	if strings.Contains(f.logs.String(), strings.Repeat("n", 300)) {
		t.Error("the log repeats an unknown name unbounded")
	}
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// A body that parsers may read differently is refused (400), changing
// nothing: a key or form field given twice (also spelled with escapes), a
// JSON key in another case, data after the JSON object, a form field
// besides name and value, name or value in the URL's query, a file.
func TestSetterRefusesAmbiguousBodies(t *testing.T) {
	f := newFixture(t, debug.WithSetter(tokenAuthorizer))
	const (
		jsonType = "application/json"
		formType = "application/x-www-form-urlencoded"
	)
	for _, c := range []struct {
		what, path, contentType, body, reason string
	}{
		{"JSON duplicate value", "", jsonType, `{"name":"rate","value":"5","value":"6"}`, "given twice"},
		{"JSON duplicate name", "", jsonType, `{"name":"greeting","name":"rate","value":"5"}`, "given twice"},
		{"JSON duplicate name, escaped", "", jsonType, `{"name":"rate","n\u0061me":"greeting","value":"5"}`, "given twice"},
		{"JSON key in upper case", "", jsonType, `{"name":"rate","NAME":"greeting","value":"5"}`, "unknown key"},
		{"JSON second object", "", jsonType, `{"name":"rate","value":"5"}{"name":"rate","value":"6"}`, "data after the object"},
		{"JSON trailing garbage", "", jsonType, `{"name":"rate","value":"5"} x`, "data after the object"},
		{"JSON trailing bracket", "", jsonType, `{"name":"rate","value":"5"}]`, "data after the object"},
		{"JSON array", "", jsonType, `[{"name":"rate","value":"5"}]`, "want an object"},
		{"JSON value not a string", "", jsonType, `{"name":"rate","value":5}`, `"value"`},
		{"form duplicate value", "", formType, "name=rate&value=5&value=6", `"value" given 2 times`},
		{"form duplicate name", "", formType, "name=greeting&name=rate&value=5", `"name" given 2 times`},
		{"form duplicate name, escaped", "", formType, "name=rate&na%6De=greeting&value=5", `"name" given 2 times`},
		{"form trailing field", "", formType, "name=rate&value=5&x", "unknown form field"},
		{"form name in the query", "?name=greeting", formType, "name=rate&value=5", "not in the URL's query"},
		{"JSON value in the query", "?value=6", jsonType, `{"name":"rate","value":"5"}`, "not in the URL's query"},
	} {
		status, res := postBody(t, f, c.path, c.contentType, c.body)
		if status != http.StatusBadRequest || !strings.Contains(res.Error, c.reason) {
			t.Errorf("%s: status %d, %+v; want 400 saying %q", c.what, status, res, c.reason)
		}
	}
	for _, c := range []struct {
		what   string
		fields [][2]string
		file   bool
		reason string
	}{
		{"multipart duplicate value", [][2]string{{"name", "rate"}, {"value", "5"}, {"value", "6"}}, false, `"value" given 2 times`},
		{"multipart extra field", [][2]string{{"name", "rate"}, {"value", "5"}, {"other", "6"}}, false, "unknown form field"},
		{"multipart file", [][2]string{{"name", "rate"}, {"value", "5"}}, true, "holds a file"},
	} {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for _, kv := range c.fields {
			if err := mw.WriteField(kv[0], kv[1]); err != nil {
				t.Fatal(err)
			}
		}
		if c.file {
			fw, err := mw.CreateFormFile("upload", "x.txt")
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprint(fw, "content")
		}
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		status, res := postBody(t, f, "", mw.FormDataContentType(), body.String())
		if status != http.StatusBadRequest || !strings.Contains(res.Error, c.reason) {
			t.Errorf("%s: status %d, %+v; want 400 saying %q", c.what, status, res, c.reason)
		}
	}
	if f.rate.Get() != 100 || f.name.Get() != "hello" {
		t.Fatalf("refused bodies changed the flags: rate %d, greeting %q", f.rate.Get(), f.name.Get())
	}
	// What is unambiguous still works: white space after the object, a
	// multipart form, an empty value.
	if status, res := postBody(t, f, "", jsonType, "{\"name\":\"rate\",\"value\":\"5\"}\n\t "); status != http.StatusOK || f.rate.Get() != 5 {
		t.Errorf("JSON with white space after it: status %d, %+v, rate %d", status, res, f.rate.Get())
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("name", "greeting")
	_ = mw.WriteField("value", "")
	_ = mw.Close()
	if status, res := postBody(t, f, "", mw.FormDataContentType(), body.String()); status != http.StatusOK || f.name.Get() != "" {
		t.Errorf("multipart form: status %d, %+v, greeting %q", status, res, f.name.Get())
	}
}
