package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/flagz-go/flagz/examples/simple/settings"
	"github.com/spf13/pflag"
)

// TestRun runs the program once (its flags live on pflag.CommandLine, so
// once per process) with values on the command line and a secret in a file.
func TestRun(t *testing.T) {
	token := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(token, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	err := run(pflag.CommandLine, []string{"--workers=8", "--backends=a:80, b:80", "--verbose", "--api_token_path=" + token}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if got := settings.APIToken.Get(); got != "s3cret" {
		t.Errorf("api_token = %q, want the file's content without its newline", got)
	}
	for _, want := range []string{
		"simple: 8 workers, timeout 1s, verbose true, backends a:80 b:80, api token set: true",
		`(?m)^workers\s+dynamic\s+8\s+4\s+true$`,
		`(?m)^name\s+static\s+simple\s+simple\s+false$`,
		`(?m)^api_token\s+dynamic\s+\[redacted\]`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("output does not match %s:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "s3cret") {
		t.Errorf("output shows the secret:\n%s", out.String())
	}

	// A refused value is an error naming the flag; the last good value stays.
	err = run(pflag.CommandLine, []string{"--workers=100"}, &out)
	if err == nil || !strings.Contains(err.Error(), `"workers"`) || settings.Workers.Get() != 8 {
		t.Errorf("--workers=100: err %v, workers %d; want an error naming workers and 8 kept", err, settings.Workers.Get())
	}
}
