package flagz

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// The name operators group processes by must not depend on where the binary
// lies: `go run` builds it in a new temporary directory every time.
func TestSetNameOfProgramPathIsProgramName(t *testing.T) {
	for _, argv0 := range []string{
		"/tmp/go-build2861930212/b001/exe/myservice", // go run
		"/tmp/go-build3309125540/b001/exe/myservice", // go run, the next time
		"/usr/local/bin/myservice",
		"./myservice",
		"myservice",
		`C:/Users/me/AppData/Local/Temp/go-build1/b001/exe/myservice.exe`,
	} {
		if got := setName(argv0, []string{argv0, "--rate=5"}); got != "myservice" {
			t.Errorf("flag set named os.Args[0] = %q: name %q, want myservice", argv0, got)
		}
	}
}

func TestSetNameKeepsAnExplicitName(t *testing.T) {
	args := []string{"/tmp/go-build2861930212/b001/exe/myservice"}
	for _, name := range []string{"myservice", "server", "/etc/odd/but/chosen", "tool.exe"} {
		if got := setName(name, args); got != name {
			t.Errorf("flag set named %q: name %q, want it unchanged", name, got)
		}
	}
	if got := setName("", args); got != "default" {
		t.Errorf("flag set without a name: name %q, want default", got)
	}
	if got := setName("server", nil); got != "server" {
		t.Errorf("no os.Args: name %q, want server", got)
	}
}

// The command-line flag sets are named os.Args[0]: their engines report the
// program's name, here the test binary's.
func TestEngineNameOfCommandLineFlagSets(t *testing.T) {
	program := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe")
	if program == os.Args[0] {
		t.Fatalf("test binary started as %q: need a path to check the rule", os.Args[0])
	}
	for name, got := range map[string]string{
		"pflag.CommandLine":           EngineFor(pflag.CommandLine).Name(),
		"flag.CommandLine":            EngineFor(flag.CommandLine).Name(),
		"pflag set named os.Args[0]":  EngineFor(pflag.NewFlagSet(os.Args[0], pflag.ContinueOnError)).Name(),
		"flag set named os.Args[0]":   EngineFor(flag.NewFlagSet(os.Args[0], flag.ContinueOnError)).Name(),
		"pflag set named after it":    EngineFor(pflag.NewFlagSet(program, pflag.ContinueOnError)).Name(),
		"flag set named after it too": EngineFor(flag.NewFlagSet(program, flag.ContinueOnError)).Name(),
	} {
		if got != program {
			t.Errorf("%s: Name() = %q, want %q", name, got, program)
		}
	}
	if got := EngineFor(pflag.NewFlagSet("server", pflag.ContinueOnError)).Name(); got != "server" {
		t.Errorf("flag set named server: Name() = %q", got)
	}
	if got := EngineFor(flag.NewFlagSet("", flag.ContinueOnError)).Name(); got != "default" {
		t.Errorf("flag set without a name: Name() = %q, want default", got)
	}
}
