package debug_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
)

// Secret values used below; none of them may appear in any output.
var secrets = []string{"sk-default-0000", "sk-live-1111", "sk-live-2222", "sk-bad-3333", "31337", "4242x",
	"pg-default-pass", "pg-start-pass", "pg-later-pass", "port-not-a-number"}

func TestSensitiveValuesNeverShow(t *testing.T) {
	f := newFixture(t, debug.WithSetter(tokenAuthorizer))
	key := flagz.DynString(f.fs, "api_key", "sk-default-0000", "API key").
		WithValidator(flagz.ValidateDynStringMatchesRegex(regexp.MustCompile(`^sk-live-`))).
		WithSensitive()
	pin := flagz.DynInt64(f.fs, "pin", 1234, "PIN").WithSensitive()
	f.fs.String("db_password", "pg-default-pass", "database password (static)")
	f.fs.Int("db_port", 5432, "database port (static, sensitive)")
	for _, name := range []string{"db_password", "db_port"} {
		if !flagz.MarkSensitive(f.fs, name) {
			t.Fatalf("MarkSensitive: no flag %s", name)
		}
	}

	src := f.source("vault")
	src.Load(1, map[string]string{"api_key": "sk-live-1111", "db_password": "pg-start-pass", "db_port": "port-not-a-number"})
	src.Update(2, map[string]string{"api_key": "sk-bad-3333"}) // validator refuses
	src.Update(3, map[string]string{"pin": "4242x"})           // does not parse
	src.Update(4, map[string]string{"db_password": "pg-later-pass"})
	if key.Get() != "sk-live-1111" || pin.Get() != 1234 {
		t.Fatalf("api_key %q, pin %d", key.Get(), pin.Get())
	}

	var outputs []string
	for _, c := range []struct{ name, value string }{
		{"api_key", "sk-live-2222"}, {"api_key", "sk-bad-3333"}, {"pin", "4242x"}, {"pin", "31337"}, {"db_password", "pg-later-pass"},
	} {
		status, _, res := post(t, f, http.MethodPost, form(c.name, c.value), "X-Token", token)
		outputs = append(outputs, res.Value+" "+res.Error)
		if status == http.StatusOK && res.Value != flagz.Redacted {
			t.Errorf("set %s: answer value %q, want %q", c.name, res.Value, flagz.Redacted)
		}
	}
	if key.Get() != "sk-live-2222" || pin.Get() != 31337 {
		t.Fatalf("setter did not apply: api_key %q, pin %d", key.Get(), pin.Get())
	}

	_, _, page := get(t, f.url(debug.Path))
	_, _, doc := get(t, f.url(debug.Path+"?format=json"))
	outputs = append(outputs, page, doc)
	p := decodePage(t, doc)
	for _, name := range []string{"api_key", "pin", "db_password", "db_port"} {
		fl := flagOf(t, p, name)
		if !fl.Sensitive || fl.Value != flagz.Redacted || fl.Default != flagz.Redacted {
			t.Errorf("%s on the page: %+v", name, fl)
		}
		if fl.LastChange != nil && (fl.LastChange.Old != flagz.Redacted || fl.LastChange.New != flagz.Redacted) {
			t.Errorf("%s last change: %+v", name, fl.LastChange)
		}
		if fl.LastRejection != nil && fl.LastRejection.Value != flagz.Redacted {
			t.Errorf("%s last rejection: %+v", name, fl.LastRejection)
		}
	}
	if fl := flagOf(t, p, "api_key"); fl.LastRejection == nil || fl.LastRejection.Reason == "" {
		t.Errorf("api_key rejection lost its reason: %+v", fl.LastRejection)
	}
	outputs = append(outputs, f.logs.String())
	if !strings.Contains(f.logs.String(), `"flag":"api_key"`) {
		t.Fatalf("the audit log has no line for api_key:\n%s", f.logs.String())
	}
	for _, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("secret %q leaked in:\n%s", s, out)
			}
		}
	}
}
