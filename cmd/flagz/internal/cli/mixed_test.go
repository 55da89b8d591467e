package cli

import (
	"strings"
	"testing"
)

// Two builds disagree on whether token is sensitive: the one that marks it
// publishes nothing of its value, the older one publishes its value and
// refusals quoting it. A flag any live process marks sensitive is redacted
// in every output, text and JSON: ls (etcd's value, who holds what,
// defaults), get, status (refusals), set (pre-flight's reasons, --wait's
// refusals).
func TestSensitiveInAnyProcessIsRedactedEverywhere(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	startProcess(t, eps, processOptions{id: "new-build"})
	startProcess(t, eps, processOptions{id: "old-build", plainToken: true})
	waitProcesses(t, eps, 2)

	r := flagzAt(t, eps, "set", "token", "sk-live-SECRET123", "--wait")
	want(t, r, ExitOK, "token = [redacted]", "2 applied")
	if v, _ := value(t, c, "token"); v != "sk-live-SECRET123" {
		t.Fatalf("the key holds %q", v)
	}
	// Both refuse this one; the older build's reason quotes it.
	r = flagzAt(t, eps, "set", "token", "bad-SECRET456", "--force", "--wait")
	want(t, r, ExitFailed, "2 rejected", "ValidateDynStringMatchesRegex(^sk-)")
	runs := []result{r, flagzAt(t, eps, "set", "token", "bad-SECRET789", "--force", "--wait", "-o", "json")}
	for _, args := range [][]string{
		{"ls"}, {"ls", "-o", "json"}, {"get", "token"}, {"get", "token", "-o", "json"},
		{"status"}, {"status", "-o", "json"}, {"set", "token", "bad-SECRET000"}, {"set", "token", "bad-SECRET000", "-o", "json"},
	} {
		runs = append(runs, flagzAt(t, eps, args...))
	}
	for _, r := range runs {
		t.Log(r)
		if strings.Contains(r.stdout+r.stderr, "SECRET") {
			t.Errorf("a value of the sensitive flag shows:\n%v", r)
		}
	}
	want(t, runs[2], ExitOK, "[redacted]")                                       // ls
	want(t, runs[6], ExitOK, "rejecting: old-build refuses token", "[redacted]") // status
}
