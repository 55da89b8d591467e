package walkthrough

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flagz-go/flagz/debug"
	"github.com/flagz-go/flagz/examples/internal/demotest"
	"github.com/flagz-go/flagz/watcher/etcdtest"
)

// waitTimeout bounds every wait for a process: for it to start, publish its
// presence, show a value, exit.
const waitTimeout = time.Minute

// session runs the commands of one walkthrough in order, as a reader would
// in a terminal: the processes it starts run until the walkthrough ends.
type session struct {
	t     *testing.T
	root  string // the repository's root
	where string // the block, for messages

	etcd  string            // the endpoint <etcd> stands for; empty until known
	env   map[string]string // what export set
	flagz string            // the built flagz command

	module string            // the directory go mod init made
	procs  []started         // in the order they started
	addrs  map[string]string // host:port a walkthrough names -> base URL of the server listening there
}

// process is a program a walkthrough started.
type process interface {
	debugURL() string
	stop(t *testing.T)
}

// started is a process with what the session learnt of it from its debug
// page: the etcd prefix it follows (its flag etcd-prefix).
type started struct {
	process
	prefix string
}

func newSession(t *testing.T, root string, b block) *session {
	return &session{t: t, root: root, where: b.String(), env: map[string]string{}, addrs: map[string]string{}}
}

// run runs one line of the walkthrough.
func (s *session) run(line string) {
	s.t.Helper()
	c, err := parseLine(line)
	if err != nil {
		s.t.Fatalf("%s: %v", s.where, err)
	}
	if len(c.words) == 0 {
		return
	}
	s.t.Logf("$ %s", c.text)
	w := c.words
	switch {
	case w[0] == "go" && len(w) >= 3 && w[1] == "run" && w[2] == "./examples/server":
		s.startDemo(w[3:])
	case w[0] == "go" && len(w) >= 3 && w[1] == "run" && w[2] == ".":
		s.startProgram(w[3:])
	case is(w, "go", "-C", "cmd/flagz", "install", "."):
		s.buildFlagz()
	case w[0] == "go" && len(w) >= 3 && w[1] == "mod" && w[2] == "init":
		s.modInit(w[3:])
	case w[0] == "go" && len(w) >= 3 && w[1] == "mod" && w[2] == "edit":
		s.modEdit(w[3:])
	case is(w, "go", "mod", "tidy"):
		s.modTidy()
	case is(w, "bash", "scripts/test.sh"):
		s.testCommand()
	case w[0] == "export":
		for _, kv := range w[1:] {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				s.t.Fatalf("%s: export %q: no =", s.where, kv)
			}
			s.env[k] = s.subst(v)
		}
	case w[0] == "flagz":
		s.runFlagz(c)
	case w[0] == "curl":
		s.curl(w[1:])
	default:
		s.t.Fatalf("%s: the walkthrough test does not know how to run %q: teach it (examples/walkthrough) or mark the block %q", s.where, c.text, illustrativePrefix)
	}
}

func is(words []string, want ...string) bool { return reflect.DeepEqual(words, want) }

// subst replaces the placeholders a reader fills in: <etcd>, the etcd
// endpoint (the demo's, or one the session starts), and ../flagz, a
// clone beside the reader's module.
func (s *session) subst(v string) string {
	if strings.Contains(v, "<etcd>") {
		if s.etcd == "" {
			s.etcd = etcdtest.Start(s.t).Endpoint()
		}
		v = strings.ReplaceAll(v, "<etcd>", s.etcd)
	}
	if strings.Contains(v, "<") {
		s.t.Fatalf("%s: no value for the placeholder in %q", s.where, v)
	}
	return strings.ReplaceAll(v, "../flagz", s.root)
}

// has reports whether args hold the flag --name (as --name or --name=…).
func has(args []string, name string) bool {
	for _, a := range args {
		if a == "--"+name || strings.HasPrefix(a, "--"+name+"=") {
			return true
		}
	}
	return false
}

// register records a process the walkthrough started. listens maps each
// of its listen flags the walkthrough line left to its default (the test
// gave it a free port instead) to the base URL it got: a reader's process
// listens on the flag's default, which the walkthrough's curl lines name
// (localhost:8080) and which no process started before may hold, or the
// reader gets "address already in use".
func (s *session) register(p process, listens map[string]string) {
	s.t.Helper()
	page := debugPage(s.t, p.debugURL())
	prefix := ""
	for _, f := range page.Flags {
		if f.Name == "etcd-prefix" {
			prefix = f.Value
		}
		url, ok := listens[f.Name]
		if !ok {
			continue
		}
		_, port, err := net.SplitHostPort(f.Default)
		if err != nil {
			s.t.Fatalf("%s: --%s's default %q: %v", s.where, f.Name, f.Default, err)
		}
		for _, host := range []string{"localhost", "127.0.0.1"} {
			addr := net.JoinHostPort(host, port)
			if _, taken := s.addrs[addr]; taken {
				s.t.Fatalf("%s: %s listens by default on %s, where a process the walkthrough started before listens: a reader gets \"address already in use\"", s.where, page.FlagSet, f.Default)
			}
			s.addrs[addr] = strings.TrimSuffix(url, "/")
		}
	}
	s.procs = append(s.procs, started{process: p, prefix: strings.TrimSuffix(prefix, "/")})
}

// startDemo runs the demo as `go run ./examples/server ARGS` would, on a
// free port unless ARGS choose one: the address the walkthrough names
// (localhost:8080) then stands for the first demo's.
func (s *session) startDemo(args []string) {
	s.t.Helper()
	for i, a := range args {
		args[i] = s.subst(a)
	}
	free := !has(args, "listen")
	if free {
		args = append(args, "--listen=127.0.0.1:0")
	}
	p := demotest.Start(s.t, demotest.Build(s.t, "../server", raceEnabled), args...)
	if !has(args, "etcd-endpoints") && s.etcd == "" {
		s.etcd = p.Field(s.t, "etcd")
	}
	listens := map[string]string{}
	if free {
		listens["listen"] = p.BaseURL
	}
	s.register(demoProcess{p}, listens)
}

type demoProcess struct{ p *demotest.Process }

func (d demoProcess) debugURL() string  { return d.p.DebugURL }
func (d demoProcess) stop(t *testing.T) { d.p.Stop(t) }

func (s *session) buildFlagz() {
	s.t.Helper()
	if s.flagz == "" {
		s.flagz = demotest.BuildIn(s.t, filepath.Join(s.root, "cmd", "flagz"), ".", raceEnabled)
	}
}

// testCommand checks that the test command a walkthrough names is the one
// CI runs (it is not run here: it runs this test).
func (s *session) testCommand() {
	s.t.Helper()
	ci, err := os.ReadFile(filepath.Join(s.root, ".ci", "run"))
	if err != nil {
		s.t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^bash scripts/test\.sh$`).Match(ci) {
		s.t.Errorf("%s: .ci/run does not run the test command the walkthrough names, bash scripts/test.sh", s.where)
	}
}

// goCmd runs the go command in dir with the environment CI gives it.
func (s *session) goCmd(dir string, args ...string) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.t.Context(), demotest.BuildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("%s: go %s: %v\n%s", s.where, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// modInit makes the reader's module, in a directory outside the
// repository, holding the README's complete program as main.go.
func (s *session) modInit(args []string) {
	s.t.Helper()
	s.module = s.t.TempDir()
	program := completeProgram(s.t, s.root)
	if err := os.WriteFile(filepath.Join(s.module, "main.go"), []byte(program), 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.goCmd(s.module, append([]string{"mod", "init"}, args...)...)
}

func (s *session) modEdit(args []string) {
	s.t.Helper()
	if s.module == "" {
		s.t.Fatalf("%s: go mod edit before go mod init", s.where)
	}
	for i, a := range args {
		args[i] = s.subst(a)
	}
	s.goCmd(s.module, append([]string{"mod", "edit"}, args...)...)
}

// modTidy stands in for go mod tidy, which needs the module proxy: it
// gives the module the requirements and checksums of the examples module
// (which builds the same packages), and requires the repository's modules
// the walkthrough's replace lines point at the clone.
// scripts/consumer-check.sh runs a real go mod tidy on the same program.
func (s *session) modTidy() {
	s.t.Helper()
	var mod struct {
		Require []struct{ Path, Version string }
	}
	if err := json.Unmarshal([]byte(s.goCmd(filepath.Join(s.root, "examples"), "mod", "edit", "-json")), &mod); err != nil {
		s.t.Fatal(err)
	}
	var own struct {
		Replace []struct{ Old struct{ Path string } }
	}
	if err := json.Unmarshal([]byte(s.goCmd(s.module, "mod", "edit", "-json")), &own); err != nil {
		s.t.Fatal(err)
	}
	replaced := map[string]bool{}
	for _, r := range own.Replace {
		replaced[r.Old.Path] = true
	}
	args := []string{"mod", "edit"}
	for _, r := range mod.Require {
		if strings.HasPrefix(r.Path, "github.com/flagz-go/flagz") && !replaced[r.Path] {
			continue
		}
		args = append(args, "-require="+r.Path+"@"+r.Version)
	}
	s.goCmd(s.module, args...)
	sum, err := os.ReadFile(filepath.Join(s.root, "examples", "go.sum"))
	if err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.module, "go.sum"), sum, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// startProgram builds the module go mod init made and runs it as `go run .
// ARGS` would, on free ports unless ARGS choose them: the addresses the
// walkthrough names (localhost:8080, localhost:9090) stand for the ones it
// got, which it logs.
func (s *session) startProgram(args []string) {
	s.t.Helper()
	if s.module == "" {
		s.t.Fatalf("%s: go run . before go mod init", s.where)
	}
	for i, a := range args {
		args[i] = s.subst(a)
	}
	bin := filepath.Join(s.t.TempDir(), "service")
	build := []string{"build", "-o", bin}
	if raceEnabled {
		build = append(build, "-race")
	}
	s.goCmd(s.module, append(build, ".")...)
	free := map[string]string{"listen": "service", "admin-listen": "admin"} // flag -> the server's name in the log
	for flag := range free {
		if has(args, flag) {
			delete(free, flag)
		} else {
			args = append(args, "--"+flag+"=127.0.0.1:0")
		}
	}
	p := startService(s.t, bin, args)
	listens := map[string]string{}
	for flag, server := range free {
		listens[flag] = p.urls[server]
	}
	s.register(p, listens)
}

// service is the README's program, running.
type service struct {
	cmd    *exec.Cmd
	log    *lockedBuffer
	exited chan struct{}
	err    error
	urls   map[string]string // "service", "admin": from its "listening" log lines
}

var listening = regexp.MustCompile(`listening server=(\w+) url=(\S+)`)

func startService(t *testing.T, bin string, args []string) *service {
	t.Helper()
	p := &service{cmd: exec.Command(bin, args...), log: &lockedBuffer{}, exited: make(chan struct{}), urls: map[string]string{}}
	// The program keeps its snapshot file under os.UserCacheDir.
	p.cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir(), "GORACE=atexit_sleep_ms=0")
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("the program's log:\n%s", p.log.String())
		}
	})
	waitFor(t, "the program to log the addresses it listens on", func() (bool, string) {
		for _, m := range listening.FindAllStringSubmatch(p.log.String(), -1) {
			p.urls[m[1]] = m[2]
		}
		select {
		case <-p.exited:
			t.Fatalf("the program exited: %v\n%s", p.err, p.log.String())
		default:
		}
		return p.urls["service"] != "" && p.urls["admin"] != "", p.log.String()
	})
	return p
}

func (p *service) debugURL() string { return p.urls["admin"] + debug.Path }

func (p *service) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(waitTimeout):
		t.Fatalf("the program did not exit within %v of SIGTERM", waitTimeout)
	}
	if p.err != nil {
		t.Fatalf("the program exited with %v after SIGTERM, want 0\n%s", p.err, p.log.String())
	}
	// Copied as shown, the program must run without a problem of its own
	// making: its snapshot file's directory exists (a source problem
	// "snapshot" otherwise), its presence record is written.
	if log := p.log.String(); strings.Contains(log, "flagz: source problem") || strings.Contains(log, "cannot save the snapshot file") {
		t.Errorf("the program reported a problem of its source:\n%s", log)
	}
}

// lockedBuffer collects a log that os/exec writes from a goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var wantExit = regexp.MustCompile(`\bexit (\d+)\b`)

// runFlagz runs the built flagz command with the exported environment. It
// must exit as the line's comment says ("exit 1: …"), else with 0. Before
// it, every process started must have published its presence, as a reader
// sees in their banners; after a set or del that succeeded, every process's
// debug page must show the value (or the default).
func (s *session) runFlagz(c command) {
	s.t.Helper()
	s.buildFlagz()
	want := 0
	if m := wantExit.FindStringSubmatch(c.comment); m != nil {
		want, _ = strconv.Atoi(m[1])
	}
	args := c.words[1:]
	for i, a := range args {
		args[i] = s.subst(a)
	}
	s.awaitPresence()
	code, out := s.flagzRun(args...)
	s.t.Logf("exit %d\n%s", code, out)
	if code != want {
		s.t.Fatalf("%s: %s: exit %d, the walkthrough says %d\n%s", s.where, c.text, code, want, out)
	}
	if code != 0 || len(args) < 2 {
		return
	}
	switch args[0] {
	case "set":
		if len(args) >= 3 {
			s.awaitValue(args[1], args[2], false)
		}
	case "del":
		s.awaitValue(args[1], "", true)
	}
}

func (s *session) flagzRun(args ...string) (int, string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.t.Context(), 2*waitTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.flagz, args...)
	cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0")
	for k, v := range s.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode(), string(out)
	} else if err != nil {
		s.t.Fatalf("flagz %v: %v", args, err)
	}
	return 0, string(out)
}

// following returns the processes started that follow the prefix the
// walkthrough exported (FLAGZ_PREFIX): those flagz talks to.
func (s *session) following() []started {
	var out []started
	for _, p := range s.procs {
		if p.prefix == strings.TrimSuffix(s.env["FLAGZ_PREFIX"], "/") {
			out = append(out, p)
		}
	}
	return out
}

// awaitPresence waits until flagz status lists every process started that
// follows FLAGZ_PREFIX.
func (s *session) awaitPresence() {
	s.t.Helper()
	n := len(s.following())
	waitFor(s.t, fmt.Sprintf("flagz status to list the %d processes started under FLAGZ_PREFIX", n), func() (bool, string) {
		code, out := s.flagzRun("status", "-o", "json")
		var st struct{ Processes []json.RawMessage }
		if code != 0 || json.Unmarshal([]byte(out), &st) != nil {
			return false, out
		}
		return len(st.Processes) == n, out
	})
}

// awaitValue waits until every process's debug page shows the flag name
// holding value, or its default.
func (s *session) awaitValue(name, value string, isDefault bool) {
	s.t.Helper()
	for _, p := range s.following() {
		waitFor(s.t, fmt.Sprintf("%s on %s to show %s=%q (default: %v)", s.where, p.debugURL(), name, value, isDefault), func() (bool, string) {
			f, ok := debugFlag(s.t, p.debugURL(), name)
			if !ok {
				return false, "no such flag on the page"
			}
			if isDefault {
				return f.Value == f.Default, fmt.Sprintf("%s=%q, default %q", name, f.Value, f.Default)
			}
			return sameValue(f.Value, value), fmt.Sprintf("%s=%q", name, f.Value)
		})
	}
}

// sameValue compares a flag's text with what was written: as JSON when
// both are JSON (the flag prints its own compact form), else exactly.
func sameValue(shown, written string) bool {
	var a, b any
	if json.Unmarshal([]byte(shown), &a) == nil && json.Unmarshal([]byte(written), &b) == nil && strings.HasPrefix(strings.TrimSpace(written), "{") {
		return reflect.DeepEqual(a, b)
	}
	return shown == written
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

// debugPage reads a process's debug page as JSON.
func debugPage(t *testing.T, url string) debug.Page {
	t.Helper()
	resp, err := httpClient.Get(url + "?format=json")
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	var page debug.Page
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return page
}

func debugFlag(t *testing.T, url, name string) (debug.Flag, bool) {
	t.Helper()
	for _, f := range debugPage(t, url).Flags {
		if f.Name == name {
			return f, true
		}
	}
	return debug.Flag{}, false
}

// curl GETs the URL, its address mapped to the process that serves it; it
// must answer 200.
func (s *session) curl(args []string) {
	s.t.Helper()
	var url string
	for _, a := range args {
		if a == "-s" {
			continue
		}
		if strings.HasPrefix(a, "-") || url != "" {
			s.t.Fatalf("%s: the walkthrough test runs curl with -s and one URL only: %q", s.where, args)
		}
		url = a
	}
	url = strings.TrimPrefix(url, "http://")
	host, path, _ := strings.Cut(url, "/")
	base, ok := s.addrs[host]
	if !ok {
		s.t.Fatalf("%s: curl %s: no process started serves %s", s.where, url, host)
	}
	resp, err := httpClient.Get(base + "/" + path)
	if err != nil {
		s.t.Fatalf("%s: curl %s: %v", s.where, url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	s.t.Logf("%s\n%s", resp.Status, body)
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("%s: curl %s: %s\n%s", s.where, url, resp.Status, body)
	}
}

// end stops every process the walkthrough started, the last first; each
// must exit with 0.
func (s *session) end() {
	s.t.Helper()
	for i := len(s.procs) - 1; i >= 0; i-- {
		s.procs[i].stop(s.t)
	}
}

// waitFor polls cond until it holds, failing the test after waitTimeout with
// cond's last description of what it saw.
func waitFor(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		ok, saw := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s; last saw:\n%s", waitTimeout, what, saw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
