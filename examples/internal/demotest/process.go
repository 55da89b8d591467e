package demotest

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flagz-go/flagz/examples/internal/demo"
)

// Deadlines: generous, since a race-enabled build on a busy machine is
// slow; they only bound a failure.
const (
	StartTimeout = time.Minute
	ExitTimeout  = 30 * time.Second
)

// Process is a running demo.
type Process struct {
	cmd     *exec.Cmd
	log     *lockedBuffer
	exited  chan struct{} // closed when the process has exited
	exitErr error         // valid once exited is closed
	banner  []string

	// BaseURL is the service's URL, as printed (with the real port).
	BaseURL string
	// DebugURL is the debug page's URL, as printed.
	DebugURL string
}

// Start starts the executable bin with args and waits until it prints its
// banner (demo.ReadyLine). The process is killed when the test ends, if it
// is still running; its log (standard error) is shown if the test failed.
func Start(t *testing.T, bin string, args ...string) *Process {
	t.Helper()
	p := &Process{cmd: exec.Command(bin, args...), log: &lockedBuffer{}, exited: make(chan struct{})}
	p.cmd.Stderr = p.log
	if os.Getenv("GORACE") == "" {
		// The race detector sleeps a second at exit unless told not to.
		p.cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0")
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	go func() {
		p.exitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("%s's log:\n%s", bin, p.log.String())
		}
	})

	deadline := time.After(StartTimeout)
	for ready := false; !ready; {
		select {
		case line, ok := <-lines:
			if !ok {
				<-p.exited
				t.Fatalf("%s exited before it was ready: %v\nstdout:\n%s", bin, p.exitErr, strings.Join(p.banner, "\n"))
			}
			p.banner = append(p.banner, line)
			ready = line == demo.ReadyLine
		case <-deadline:
			t.Fatalf("%s not ready within %v\nstdout:\n%s", bin, StartTimeout, strings.Join(p.banner, "\n"))
		}
	}
	t.Logf("%s ready %v after start", bin, time.Since(started).Round(time.Millisecond))
	go func() { // keep draining standard output so the process never blocks on it
		for range lines {
		}
	}()
	p.BaseURL = strings.TrimSuffix(p.Field(t, "service"), "/")
	p.DebugURL = p.Field(t, "debug page")
	return p
}

// Field returns the first word after label on a banner line such as
// "  service     http://127.0.0.1:40123/".
func (p *Process) Field(t *testing.T, label string) string {
	t.Helper()
	re := regexp.MustCompile(`^\s+` + regexp.QuoteMeta(label) + `\s+(\S+)`)
	for _, line := range p.banner {
		if m := re.FindStringSubmatch(line); m != nil {
			return m[1]
		}
	}
	t.Fatalf("no %q line in the banner:\n%s", label, strings.Join(p.banner, "\n"))
	return ""
}

// Banner returns what the process printed on standard output up to and
// including demo.ReadyLine.
func (p *Process) Banner() string { return strings.Join(p.banner, "\n") }

// Log returns what the process wrote on standard error so far.
func (p *Process) Log() string { return p.log.String() }

// Exited is closed when the process has exited.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Stop sends SIGTERM and fails the test unless the process exits with code
// 0 within ExitTimeout.
func (p *Process) Stop(t *testing.T) {
	t.Helper()
	sent := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(ExitTimeout):
		t.Fatalf("no exit within %v of SIGTERM", ExitTimeout)
	}
	t.Logf("exited %v after SIGTERM", time.Since(sent).Round(time.Millisecond))
	if p.exitErr != nil {
		t.Fatalf("exited with %v, want 0", p.exitErr)
	}
}

// Kill sends SIGKILL, as a crash or the OOM killer would, and waits until
// the process has exited: it cleans nothing up.
func (p *Process) Kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(ExitTimeout):
		t.Fatalf("no exit within %v of SIGKILL", ExitTimeout)
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
