package main

import (
	"strings"
	"testing"
)

// The set command tells what the running demo will do with the key,
// matching the engine's precedence rules.
func TestCheckValueExplainsWhatTheDemoWillDo(t *testing.T) {
	for _, c := range []struct{ name, value, want string }{
		{"listen", "127.0.0.1:9999", "static flag of the demo"},
		{"listen", "127.0.0.1:9999", "unless --listen is given on its command line"},
		{"no_such_flag", "1", "report the key unknown"},
		{"rate_limit", "0", "refuse it and roll the key back"},
	} {
		if got := checkValue(c.name, c.value); !strings.Contains(got, c.want) {
			t.Errorf("checkValue(%q, %q) = %q, want it to say %q", c.name, c.value, got, c.want)
		}
	}
	if got := checkValue("greeting", "hi"); got != "" {
		t.Errorf("a good value warned: %q", got)
	}
}
