package fleet

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flagz-go/flagz/watcher/etcdtest"
)

// serverEnv, when set in the environment, makes the test binary run a
// server instead of its tests: "etcd" an embedded etcd member, "proxy=URL"
// etcd's gRPC proxy in front of the member at URL. Each lives in a process
// of its own, so that the heap measured in the benchmark's process is the
// followers' alone, as it would be in N processes, and the CPU time of the
// member and of the proxy can be told apart.
const serverEnv = "FLAGZ_FLEET_SERVER"

func TestMain(m *testing.M) {
	if role := os.Getenv(serverEnv); role != "" {
		if err := serve(role, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "fleet server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serve runs the server of role on loopback, writes its endpoint as one
// line to out, and serves until in is closed (the parent ended or closed
// it).
func serve(role string, in io.Reader, out io.Writer) error {
	var endpoint string
	switch {
	case role == "etcd":
		srv, err := newMember()
		if err != nil {
			return err
		}
		defer srv.Close()
		endpoint = srv.Endpoint()
	case strings.HasPrefix(role, "proxy="):
		member := strings.TrimPrefix(role, "proxy=")
		watchers0, err := readGauge(member, "etcd_debugging_mvcc_watcher_total")
		if err != nil {
			return err
		}
		proxy, stop, err := startProxy(member)
		if err != nil {
			return err
		}
		defer stop()
		// The proxy learns that there is a leader through a watch of its
		// own, set up in the background; until then it refuses watches that
		// require a leader (the watcher's), and that watch would count as a
		// follower's.
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			n, err := readGauge(member, "etcd_debugging_mvcc_watcher_total")
			if err == nil && n > watchers0 {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("the proxy's leader watch did not start: %v", err)
			}
		}
		endpoint = proxy
	default:
		return fmt.Errorf("%s=%q: want etcd or proxy=URL", serverEnv, role)
	}
	if _, err := fmt.Fprintln(out, endpoint); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, in)
	return nil
}

// newMember starts the embedded member, on new ports if another process
// took one of those etcdtest picked before the member listened on it (a
// shared machine; etcdtest.Start retries the same way, New does not).
func newMember() (*etcdtest.Server, error) {
	var err error
	for range 5 {
		var srv *etcdtest.Server
		if srv, err = etcdtest.New(); err == nil {
			return srv, nil
		}
		if !strings.Contains(err.Error(), "address already in use") {
			return nil, err
		}
	}
	return nil, err
}

// startProxy starts etcd's gRPC proxy in front of endpoint (see
// etcdtest.StartGRPCProxy).
func startProxy(endpoint string) (string, func(), error) {
	return etcdtest.StartGRPCProxy(endpoint)
}

// server is the etcd member, and the gRPC proxy if asked for, of one
// benchmark run, each in a child process.
type server struct {
	Endpoint string // the member's client URL
	Proxy    string // the gRPC proxy's URL, "" without a proxy
	pid      int    // the member's process
	proxyPid int    // the proxy's process
}

// startServer starts the member, and a proxy in front of it if withProxy,
// and stops them when tb ends.
func startServer(tb testing.TB, withProxy bool) *server {
	tb.Helper()
	s := &server{}
	s.Endpoint, s.pid = startChild(tb, "etcd")
	if withProxy {
		s.Proxy, s.proxyPid = startChild(tb, "proxy="+s.Endpoint)
	}
	return s
}

// startChild runs the test binary again as the server of role and returns
// its endpoint and process id; the process ends when tb ends.
func startChild(tb testing.TB, role string) (endpoint string, pid int) {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serverEnv+"="+role)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start the %s process: %v", role, err)
	}
	tb.Cleanup(func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		tb.Fatalf("read the %s process's endpoint: %v", role, err)
	}
	return strings.TrimSpace(line), cmd.Process.Pid
}

// gauge reads one gauge of the member's Prometheus metrics, such as
// etcd_debugging_mvcc_watcher_total: the watchers the server's store holds.
func (s *server) gauge(tb testing.TB, name string) int64 {
	tb.Helper()
	v, err := readGauge(s.Endpoint, name)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// readGauge reads the gauge name from the /metrics page of the member at
// endpoint (etcd serves it on the client URL).
func readGauge(endpoint, name string) (int64, error) {
	resp, err := http.Get(endpoint + "/metrics")
	if err != nil {
		return 0, fmt.Errorf("read the server's metrics: %w", err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && f[0] == name {
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return 0, fmt.Errorf("metric %s: %w", name, err)
			}
			return int64(v), nil
		}
	}
	return 0, fmt.Errorf("metric %s not found on %s/metrics (%v)", name, endpoint, sc.Err())
}

// usage returns the CPU time (user and system) the member's process, and
// the proxy's, have used, and their resident memory, from /proc (zero
// where /proc is missing, or without a proxy).
func (s *server) usage() (member, proxy procStats) {
	member.cpu, member.rss = procUsage(s.pid)
	if s.proxyPid != 0 {
		proxy.cpu, proxy.rss = procUsage(s.proxyPid)
	}
	return member, proxy
}

// procStats is a process's CPU time and resident memory.
type procStats struct {
	cpu time.Duration
	rss int64
}

// procUsage reads a process's CPU time and resident set size from
// /proc/<pid>/stat (utime and stime, in clock ticks of 1/100 s on Linux)
// and /proc/<pid>/statm.
func procUsage(pid int) (cpu time.Duration, rss int64) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0
	}
	// The command name, in parentheses, may hold spaces: fields count
	// from the last ')'.
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(f) > 12 {
		utime, _ := strconv.ParseInt(f[11], 10, 64)
		stime, _ := strconv.ParseInt(f[12], 10, 64)
		cpu = time.Duration(utime+stime) * 10 * time.Millisecond
	}
	if statm, err := os.ReadFile(fmt.Sprintf("/proc/%d/statm", pid)); err == nil {
		if m := strings.Fields(string(statm)); len(m) > 1 {
			pages, _ := strconv.ParseInt(m[1], 10, 64)
			rss = pages * int64(os.Getpagesize())
		}
	}
	return cpu, rss
}
