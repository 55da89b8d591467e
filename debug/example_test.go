package debug_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
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
