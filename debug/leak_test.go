package debug_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/configmap"
	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/monitoring"
	"github.com/flagz-go/flagz/record"
)

// The secrets planted below. planted is a word no output holds by chance (no
// lower-case hex, no digits run); the numbers are found in their decimal,
// hexadecimal and formatted forms.
const (
	planted   = "Qx7Vk9Zw"
	secretInt = 86753091
)

// secretInputs are what a source offers the sensitive flags: the planted in
// forms a library quotes or escapes ("Qx7Vk9Zw\x00", "\u202eQx7Vk9Zw").
var secretInputs = []string{
	planted,
	planted + "\x00",
	"\u202e" + planted,
	`"` + planted + `"`,
	planted + "\n" + planted,
	"  " + planted + "\t",
	"\x1b[31m" + planted,
}

// panicky is a JSON value whose decoder panics, quoting its input.
type panicky struct{}

func (*panicky) UnmarshalJSON(b []byte) error { panic(fmt.Sprintf("cannot take %s", b)) }

// quotingValidator is a custom validator that quotes what it refuses, as
// many do.
func quotingValidator(v string) error { return fmt.Errorf("refusing %q", v) }

// TestSensitiveValuesLeakNowhere plants a secret in a sensitive flag of
// every type, through every validator helper, and drives it through every
// path a value travels: the engine's sources, a file source reading
// malformed and refused files, ReadFileFlags, the setter, a notifier that
// panics, a parser that panics, static flags marked sensitive whose
// flag set's errors quote their input. Then it searches everything the
// process emitted (the page in HTML and JSON, every setter answer,
// /metrics, every log line at every level, reports, errors, events) for
// the secret and for any escaped or partial form of it.
func TestSensitiveValuesLeakNowhere(t *testing.T) {
	f := newFixture(t, debug.WithSetter(tokenAuthorizer))
	logs := f.logs // the handler's log
	prev := slog.Default()
	slog.SetDefault(logs.logger()) // notifier panics, and sources without a logger of their own
	t.Cleanup(func() { slog.SetDefault(prev) })
	fs := f.fs
	e := flagz.EngineFor(fs)
	var emitted []string
	emit := func(what string, v ...any) { emitted = append(emitted, what+": "+fmt.Sprint(v...)) }
	var eventsMu sync.Mutex
	var events []flagz.Event
	unsubscribe := e.Subscribe(func(ev flagz.Event) {
		eventsMu.Lock()
		events = append(events, ev)
		eventsMu.Unlock()
	})

	// A sensitive flag of every type, each with this package's validators.
	digits := regexp.MustCompile(`^[0-9]+$`)
	flags := []interface{ WaitNotified() }{
		flagz.DynBool(fs, "s_bool", false, "").WithSensitive(),
		flagz.DynInt64(fs, "s_int", 7, "").WithValidator(flagz.ValidateDynInt64Range(1, 99)).WithSensitive(),
		flagz.DynFloat64(fs, "s_float", 0.5, "").WithValidator(flagz.ValidateDynFloat64Range(0, 1)).WithSensitive(),
		flagz.DynString(fs, "s_string", "d", "").WithValidator(flagz.ValidateDynStringMatchesRegex(digits)).WithSensitive(),
		flagz.DynString(fs, "s_custom", "d", "").WithValidator(quotingValidator).WithSensitive(),
		flagz.DynDuration(fs, "s_duration", time.Second, "").WithSensitive(),
		flagz.DynStringSlice(fs, "s_slice", nil, "").WithValidator(flagz.ValidateDynStringSliceMinElements(3)).WithSensitive(),
		flagz.DynStringSet(fs, "s_set", nil, "").WithValidator(flagz.ValidateDynStringSetMinElements(3)).WithSensitive(),
		flagz.DynJSON(fs, "s_json", &routing{}, "").WithSensitive(),
		flagz.DynJSONOf(fs, "s_panicky", &panicky{}, "").WithSensitive(),
		flagz.DynProto(fs, "s_proto", &wrapperspb.StringValue{}, "").WithSensitive(),
		flagz.DynRollout(fs, "s_rollout", flagz.Rollout{}, "").WithSensitive(),
	}
	// Notifiers that panic quoting the value; the planted good values.
	good := flagz.DynString(fs, "s_good", "d", "").WithSensitive().
		WithNotifier(func(_, v string) { panic("cannot use " + strconv.Quote(v)) })
	goodInt := flagz.DynInt64(fs, "s_good_int", 1, "").WithSensitive().
		WithNotifier(func(_, v int64) { panic(fmt.Errorf("cannot use %d", v)) })
	flags = append(flags, good, goodInt)
	// Static flags marked sensitive: pflag's errors quote the input.
	fs.IP("s_ip", nil, "")
	fs.String("s_static", "d", "")
	fs.Int("s_static_int", 1, "")
	for _, name := range []string{"s_ip", "s_static", "s_static_int"} {
		flagz.MarkSensitive(fs, name)
	}
	names := []string{"s_bool", "s_int", "s_float", "s_string", "s_custom", "s_duration", "s_slice", "s_set",
		"s_json", "s_panicky", "s_proto", "s_rollout", "s_ip", "s_static_int"}
	offer := func(input string) map[string]string {
		m := map[string]string{}
		for _, name := range names {
			m[name] = input
		}
		m["s_slice"], m["s_set"] = input+","+input, input // too few items
		m["s_json"] = `{"retries": ` + input + `}`
		m["s_proto"] = `{"value": ` + input + `,}`
		m["s_rollout"] = "5% on=" + input + " on=" + input
		return m
	}

	// The engine's sources: an initial load (static flags are set then),
	// then updates.
	vault := e.Source("vault", logs.logger())
	report := vault.Load(1, offer(planted))
	emit("load", report, report.Err())
	if o, _ := report.Outcome("s_ip"); o.Err == nil || !strings.Contains(o.Err.Error(), "not a valid ip") {
		t.Errorf("s_ip at the initial load: %v, want a parse error naming the type ip", o)
	}
	for i, input := range secretInputs {
		report := vault.Update(int64(i+2), offer(input))
		emit("update", report, report.Err())
		if report.Count(record.Rejected) < len(names)-2 { // s_static_int and s_ip are static after the load
			t.Errorf("update %q: %d rejected, want every flag: %v", input, report.Count(record.Rejected), report)
		}
	}
	report = vault.Update(20, map[string]string{"s_good": planted, "s_good_int": strconv.Itoa(secretInt), "s_static": planted})
	emit("good values", report, report.Err())
	if good.Get() != planted || goodInt.Get() != secretInt {
		t.Fatalf("the good values were not applied: %v", report)
	}
	for _, fl := range flags {
		fl.WaitNotified()
	}

	// A file source reading malformed files, then a file of refused values.
	dir := t.TempDir()
	for i, doc := range []struct{ name, content string }{
		{"tagged.yaml", "creds: {password: !!int " + planted + "}\n"},
		{"anchor.yaml", "s_string: *" + planted + "\n"},
		{"syntax.yaml", "s_string: [" + planted + "\n"},
		{"binary.yaml", "s_proto: !!binary " + planted + "!!\n"},
		{"bare.json", `{"s_string": ` + planted + `}`},
		{"refused.yaml", "s_string: " + strconv.Quote(planted+"\x00") + "\ns_int: " + planted + "\ns_custom: " + planted + "\n"},
	} {
		path := filepath.Join(dir, doc.name)
		if err := os.WriteFile(path, []byte(doc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		w, err := configmap.NewFile(fs, path, configmap.WithLogger(logs.logger()), configmap.WithSourceName(fmt.Sprintf("file%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		report, err := w.Initialize(t.Context())
		emit("file "+doc.name, report, report.Err(), err, w.Status())
		if malformed := doc.name != "refused.yaml"; malformed != (err != nil) {
			t.Errorf("%s: Initialize: %v", doc.name, err)
		}
		w.Stop()
	}

	// ReadFileFlags, from a file holding a refused value.
	flagz.DynString(fs, "s_fromfile", "d", "").WithValidator(flagz.ValidateDynStringMatchesRegex(digits)).
		WithSensitive().WithFileFlag(filepath.Join(dir, "fromfile"))
	if err := os.WriteFile(filepath.Join(dir, "fromfile"), []byte(planted+"\x00\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	emit("ReadFileFlags", flagz.ReadFileFlags(fs))

	// The setter: refused values, good values, and guesses of the static
	// flags' values, right and wrong.
	for _, input := range append(secretInputs, "d", planted+"x") {
		for name, value := range offer(input) {
			status, _, res := post(t, f, http.MethodPost, form(name, value), "X-Token", token)
			emit("setter", status, res)
		}
		status, _, res := post(t, f, http.MethodPost, form("s_static", input), "X-Token", token)
		emit("setter static", status, res)
	}
	status, _, res := post(t, f, http.MethodPost, form("s_good", planted), "X-Token", token)
	emit("setter good", status, res)
	for _, fl := range flags {
		fl.WaitNotified()
	}

	// Everything the process shows.
	_, _, page := get(t, f.url(debug.Path))
	_, _, doc := get(t, f.url(debug.Path+"?format=json"))
	emit("page", page)
	emit("json", doc)
	reg := prometheus.NewRegistry()
	if _, err := monitoring.Register(reg, fs); err != nil {
		t.Fatal(err)
	}
	metrics := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(metrics, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	emit("metrics", metrics.Body.String())
	for _, st := range e.Flags() {
		emit("state", st)
	}
	unsubscribe()
	for _, ev := range events {
		emit("event", ev, ev.Report.Err())
	}
	emit("logs", logs.String())

	// The paths were really taken.
	p := decodePage(t, doc)
	for _, want := range []struct{ name, in string }{
		{"s_string", "ValidateDynStringMatchesRegex(^[0-9]+$)"},
		{"s_custom", "a custom validator (#1)"},
		{"s_int", "not a valid dyn_int64"},
		{"s_duration", "not a valid dyn_duration"},
	} {
		if r := flagOf(t, p, want.name).LastRejection; r == nil || !strings.Contains(r.Reason, want.in) {
			t.Errorf("%s: last rejection %+v, want a reason naming %s", want.name, r, want.in)
		}
	}
	if !strings.Contains(flagOf(t, p, "s_good").NotifierPanic, "panicked") ||
		!strings.Contains(logs.String(), "notifier panicked") {
		t.Error("the notifier panic was neither shown nor logged")
	}

	for _, form := range leakForms() {
		for _, out := range emitted {
			if i := strings.Index(out, form); i >= 0 {
				t.Errorf("%q leaked: …%s…", form, out[max(0, i-200):min(len(out), i+len(form)+100)])
			}
		}
	}
}

// leakForms lists the texts no output may hold: the secret planted, every
// part of it of four characters or more, every planted input quoted or
// escaped as Go, JSON or HTML would, and the planted numbers in decimal,
// hexadecimal and formatted.
func leakForms() []string {
	var forms []string
	for n := 4; n <= len(planted); n++ {
		for i := 0; i+n <= len(planted); i++ {
			forms = append(forms, planted[i:i+n])
		}
	}
	for _, in := range secretInputs {
		forms = append(forms, strconv.Quote(in), strconv.QuoteToASCII(in), fmt.Sprintf("%x", in), fmt.Sprintf("%+q", in))
	}
	d := time.Duration(secretInt) * time.Millisecond
	forms = append(forms, strconv.Itoa(secretInt), strconv.FormatInt(secretInt, 16), d.String())
	return forms
}

// The leak test must not pass by failing quietly: the forms it searches
// for are found where they are planted.
func TestLeakFormsFindPlantedValues(t *testing.T) {
	found := 0
	for _, form := range leakForms() {
		for _, out := range []string{fmt.Sprintf("%q", planted+"\x00"), fmt.Sprintf("0x%x", secretInt), errors.New(planted).Error()} {
			if strings.Contains(out, form) {
				found++
			}
		}
	}
	if found < 3 {
		t.Fatalf("the forms match %d planted texts, want at least 3", found)
	}
}
