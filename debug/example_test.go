package debug_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/debug"
)

// Mount the page at /debug/flagz, next to net/http/pprof, and read it as JSON.
func ExampleRegister() {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	flagz.DynInt64(fs, "rate", 100, "requests per second")

	mux := http.NewServeMux()
	debug.Register(mux, fs)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/debug/flagz?format=json&type=dynamic")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	fmt.Println(resp.Status, resp.Header.Get("Content-Type"))
	// Output: 200 OK application/json; charset=utf-8
}

// Turn the setter on with an authorizer, and change a flag with a form POST.
func ExampleWithSetter() {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	rate := flagz.DynInt64(fs, "rate", 100, "requests per second").
		WithValidator(flagz.ValidateDynInt64Range(1, 1000))

	authorize := func(r *http.Request) error {
		if r.Header.Get("Authorization") != "Bearer operator-token" {
			return errors.New("operators only")
		}
		return nil
	}
	srv := httptest.NewServer(debug.NewHandler(fs, debug.WithSetter(authorize)))
	defer srv.Close()

	set := func(value string) {
		form := url.Values{"name": {"rate"}, "value": {value}}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/debug/flagz/set", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer operator-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		fmt.Println(value, "->", resp.Status)
	}
	set("250")
	set("5000")
	fmt.Println("rate:", rate.Get())
	// Output:
	// 250 -> 200 OK
	// 5000 -> 400 Bad Request
	// rate: 250
}

// Find flags by name and read what an operator needs about each: which
// process answered, where the value comes from, its history, and what
// waits for a restart.
func ExamplePage() {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	flagz.DynInt64(fs, "rate_limit", 100, "requests per second")
	flagz.DynInt64(fs, "burst", 10, "burst size")
	fs.String("listen", ":8080", "listen address (static)")
	etcd := flagz.EngineFor(fs).Source("etcd", nil)
	etcd.Load(41, map[string]string{"rate_limit": "200", "listen": ":8080"})
	etcd.Update(42, map[string]string{"rate_limit": "250", "listen": ":9999", "typo_flag": "1"})

	srv := httptest.NewServer(debug.NewHandler(fs))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/debug/flagz?format=json&q=i")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var page debug.Page
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("answered by pid", page.Process.PID == os.Getpid())
	fmt.Println("ignored:", page.Sources[0].IgnoredNames[0].Name)
	for _, f := range page.Flags {
		fmt.Println(f.Name, "=", f.Value, "held by", f.HeldBy[0].Source, "@", f.HeldBy[0].Revision)
		for _, h := range f.History {
			fmt.Printf("  %s @%d: %s\n", h.Result, h.Revision, h.New)
		}
		for _, p := range f.Pending {
			fmt.Println("  after a restart:", p.Value, "wins:", p.WinsAtRestart)
		}
	}
	// Output:
	// answered by pid true
	// ignored: typo_flag
	// listen = :8080 held by etcd @ 42
	//   restart_required @42: :9999
	//   after a restart: :9999 wins: true
	// rate_limit = 250 held by etcd @ 42
	//   applied @41: 200
	//   applied @42: 250
}
