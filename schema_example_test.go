package flagz_test

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/flagz-go/flagz"
	"github.com/spf13/pflag"
)

// A process publishes its flags' schema; a tool elsewhere checks a value
// against it before writing the value anywhere.
func ExampleEngine_Schema() {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	flagz.DynInt64(fs, "rate", 100, "requests per second").WithValidator(flagz.ValidateDynInt64Range(1, 1000))
	fs.Int("port", 8080, "listen port")

	enc := json.NewEncoder(os.Stdout)
	for _, s := range flagz.EngineFor(fs).Schema() {
		enc.Encode(s)
	}

	// Elsewhere, with only the schema:
	rate := flagz.EngineFor(fs).Schema()[1]
	fmt.Println(flagz.Preflight(rate, "5000"))
	fmt.Println(flagz.Preflight(rate, "ten"))
	fmt.Println(flagz.Preflight(rate, "500"))
	// Output:
	// {"name":"port","type":"int","dynamic":false,"default":"8080","usage":"listen port"}
	// {"name":"rate","type":"dyn_int64","dynamic":true,"default":"100","usage":"requests per second","constraints":[{"kind":"range","min":"1","max":"1000"}]}
	// flag "rate": value "5000" refused: not in range [1, 1000]
	// flag "rate": value "ten" refused: not a valid dyn_int64: strconv.ParseInt: parsing "ten": invalid syntax
	// <nil>
}
