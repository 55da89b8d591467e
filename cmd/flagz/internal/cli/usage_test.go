package cli

import (
	"context"
	"strings"
	"testing"
)

// runArgs runs the command with args alone (no endpoints or prefix added).
func runArgs(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr lockedBuffer
	code := Run(context.Background(), args, &stdout, &stderr)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// A wrong command line exits with 2 and says what is wrong, before any
// connection to etcd.
func TestUsageErrorsExitTwo(t *testing.T) {
	t.Setenv(EnvPrefix, "")
	t.Setenv(EnvEndpoints, "")
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "usage: flagz"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"get"}, "--prefix (or FLAGZ_PREFIX) is required"},
		{[]string{"get", "--prefix=/p"}, "want NAME, got 0 arguments"},
		{[]string{"get", "--prefix=/p", "a", "b"}, "want NAME, got 2 arguments"},
		{[]string{"get", "--prefix=/p", "a/b"}, "holds a /"},
		{[]string{"set", "--prefix=/p", "a"}, "want NAME VALUE, got 1 arguments"},
		{[]string{"set", "--prefix=/p", "--if-revision=-2", "a", "1"}, "want a revision, 0 or more"},
		{[]string{"set", "--prefix=/p", "--wait=-1s", "a", "1"}, "--wait must be positive"},
		{[]string{"ls", "--prefix=/p", "-o", "yaml"}, "-o/--output must be text, wide or json"},
		{[]string{"ls", "--prefix=/p", "extra"}, "ls takes no arguments"},
		{[]string{"status", "--no-such-flag"}, "unknown flag: --no-such-flag"},
		{[]string{"ls", "--prefix=/p", "--cert=c.pem"}, "--cert and --key go together"},
		{[]string{"ls", "--prefix="}, "--prefix (or FLAGZ_PREFIX) is required"},
		{[]string{"ls", "--prefix= "}, "--prefix (or FLAGZ_PREFIX) is required"},
		{[]string{"ls", "--prefix=/"}, `--prefix (or FLAGZ_PREFIX) "/" is the root of etcd's key space`},
		{[]string{"set", "--prefix=//", "--force", "rate", "1"}, `--prefix (or FLAGZ_PREFIX) "//" is the root`},
		{[]string{"set", "--prefix=/p", "a", "1", "--wait", "10s"}, "--wait takes its duration after an = sign: --wait=10s"},
		{[]string{"-o", "yaml", "ls", "--prefix=/p"}, "-o/--output must be text, wide or json"},
	} {
		r := runArgs(t, c.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr+r.stdout, c.want) {
			t.Errorf("flagz %s: want exit 2 saying %q\n%v", strings.Join(c.args, " "), c.want, r)
		}
	}
}

// Issue 25.7: a root prefix from the environment is refused as one given
// with --prefix is: it would read and write every application's keys.
func TestRootPrefixFromTheEnvironmentRefused(t *testing.T) {
	t.Setenv(EnvPrefix, "/")
	t.Setenv(EnvEndpoints, "127.0.0.1:1")
	r := runArgs(t, "del", "rate")
	if r.code != ExitUsage || !strings.Contains(r.stderr, `"/" is the root of etcd's key space`) {
		t.Errorf("FLAGZ_PREFIX=/ flagz del rate: want exit 2 saying the prefix is the root\n%v", r)
	}
}

// Help exits with 0 and lists the commands, the global flags and the exit
// codes; a command's help lists its own flags.
func TestHelp(t *testing.T) {
	r := runArgs(t, "help")
	want(t, r, ExitOK, "ls", "get NAME", "set NAME VALUE", "del NAME", "status", "--endpoints", "--prefix",
		"--dial-timeout", "--command-timeout", "--cacert", "--cert", "--key", "--insecure-skip-tls-verify",
		"--user", "--password", "FLAGZ_ENDPOINTS", "FLAGZ_PREFIX", "exit codes")
	r = runArgs(t, "set", "--help")
	want(t, r, ExitOK, "--if-revision", "--force", "--wait", "--no-wait", "pre-flight", "--endpoints", "nobody confirmed")
	r = runArgs(t, "help", "del")
	want(t, r, ExitOK, "usage: flagz del", "--if-revision", "--wait", "--no-wait", "--force")
}

// TLS flags: a CA file that is missing or holds no certificate is a clear
// error before any request.
func TestTLSFlagsErrors(t *testing.T) {
	r := runArgs(t, "ls", "--prefix=/p", "--cacert=/no/such/ca.pem")
	want(t, r, ExitFailed, "--cacert", "no such file")
	bad := t.TempDir() + "/ca.pem"
	writeFile(t, bad, "not a certificate")
	r = runArgs(t, "ls", "--prefix=/p", "--cacert="+bad)
	want(t, r, ExitFailed, "no PEM certificate")
	r = runArgs(t, "ls", "--prefix=/p", "--cert=/no/c.pem", "--key=/no/k.pem")
	want(t, r, ExitFailed, "--cert/--key")
}
