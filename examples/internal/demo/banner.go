package demo

import (
	"fmt"
	"io"
)

// PrintEndpoints prints the URLs of the demo, one per labelled line
// ("service", "debug page", "metrics"): the service served at serviceURL,
// the operators' endpoints (AdminHandler) at adminURL, which is serviceURL
// when one server serves both (Handler). The labels are stable: tests read
// them.
func PrintEndpoints(out io.Writer, serviceURL, adminURL string) {
	fmt.Fprintf(out, "  service     %s/\n", serviceURL)
	fmt.Fprintf(out, "  debug page  %s/debug/flagz\n", adminURL)
	fmt.Fprintf(out, "  metrics     %s/metrics\n", adminURL)
}

// PrintTryIt prints the requests that show the flags' effect.
func PrintTryIt(out io.Writer, baseURL string) {
	fmt.Fprintf(out, "Look at it:\n\n")
	fmt.Fprintf(out, "  curl %s/\n", baseURL)
	fmt.Fprintf(out, "  curl %s/route/api/users\n\n", baseURL)
}

// PrintSetter prints how to change a flag through the debug page's setter.
func PrintSetter(out io.Writer, baseURL string) {
	fmt.Fprintf(out, "Or through the debug page's setter, open to this machine only; it changes this process, not the source:\n\n")
	fmt.Fprintf(out, "  curl -X POST -d name=%s -d value=hi %s/debug/flagz/set\n\n", FlagGreeting, baseURL)
}

// ReadyLine ends the banner: once it is printed, the demo serves.
const ReadyLine = "Ctrl-C stops the demo."

// PrintReady prints ReadyLine.
func PrintReady(out io.Writer) {
	fmt.Fprintf(out, "%s\n\n", ReadyLine)
}
