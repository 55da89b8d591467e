package cli

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// With two live processes that disagree, long names and long values, ls
// fits 120 columns; -o wide shows what it leaves out (each flag's default
// and the values the processes hold), and -o json has the values whole.
func TestLsFits120Columns(t *testing.T) {
	srv, c := etcd(t)
	eps := []string{srv.Endpoint()}
	startProcess(t, eps, processOptions{})
	startProcess(t, eps, processOptions{maxRate: 50})
	waitProcesses(t, eps, 2)
	long := strings.Repeat("abcdefghij", 8)
	want(t, flagzAt(t, eps, "set", "name", long, "--wait"), ExitOK, "2 applied")
	want(t, flagzAt(t, eps, "set", "rate", "80", "--force", "--wait"), ExitFailed, "rejected")
	stray := "a-key-no-process-declares-with-a-rather-long-name-" + long
	put(t, c, stray, "a value that no process reads, long enough to be cut "+long)

	r := flagzAt(t, eps, "ls")
	t.Log(r)
	want(t, r, ExitOK, "2 live processes", "NAME", "VALUE IN ETCD", "REV", "PROCESSES",
		"1 applied, 1 rejected", "2 at default", "2 static", "none declares it", "...")
	for _, line := range strings.Split(r.stdout, "\n") {
		if n := utf8.RuneCountInString(line); n > screenWidth {
			t.Errorf("a line of %d columns, over %d: %q", n, screenWidth, line)
		}
	}
	if strings.Contains(r.stdout, "HOLDING") || strings.Contains(r.stdout, "DEFAULT") {
		t.Errorf("ls shows the wide columns without -o wide")
	}

	r = flagzAt(t, eps, "ls", "-o", "wide")
	t.Log(r)
	want(t, r, ExitOK, "DEFAULT", "HOLDING", "4 ×2", "10 ×1, 80 ×1", "fast ×2", stray,
		"a value that no process reads, long e...")
}
