package settings_test

import (
	"fmt"

	"github.com/flagz-go/flagz/examples/simple/settings"
	"github.com/spf13/pflag"
)

// Any package reads the shared flags through settings; main parses them.
func Example() {
	_ = pflag.CommandLine.Parse([]string{"--workers=16", "--timeout=250ms"})

	fmt.Println(settings.Workers.Get(), settings.Timeout.Get())

	// A bad value is refused, naming the flag; the last good value stays.
	fmt.Println(settings.Workers.Set("0"))
	fmt.Println(settings.Workers.Get())
	// Output:
	// 16 250ms
	// flag "workers": value "0" refused: not in range [1, 64]
	// 16
}
