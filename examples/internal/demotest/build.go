package demotest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// BuildTimeout bounds a go build of a demo.
const BuildTimeout = 5 * time.Minute

// Build compiles the main package in dir (relative to the test's package
// directory, as for go build) into a temporary directory and returns the
// executable's path. With race true it builds with the race detector, so a
// data race in the process fails Stop's exit code check (the detector exits
// with 66). Each package is built once per test binary: later calls return
// the same executable (RemoveBuilds, from TestMain, deletes them).
func Build(t *testing.T, dir string, race bool) string {
	t.Helper()
	return BuildIn(t, ".", dir, race)
}

// BuildIn is Build for a main package of another module: it runs go build
// in moduleDir (relative to the test's package directory) for the package
// pkg (relative to moduleDir), as in go -C moduleDir build pkg.
func BuildIn(t *testing.T, moduleDir, pkg string, race bool) string {
	t.Helper()
	key := fmt.Sprintf("%s|%s|%v", moduleDir, pkg, race)
	buildsMu.Lock()
	b, ok := builds[key]
	if !ok {
		b = &build{}
		builds[key] = b
	}
	buildsMu.Unlock()
	b.once.Do(func() { b.path, b.err = goBuild(t, moduleDir, pkg, race) })
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

type build struct {
	once sync.Once
	path string
	err  error
}

var (
	buildsMu  sync.Mutex
	builds    = map[string]*build{}
	buildsDir string // created by the first build
)

func goBuild(t *testing.T, moduleDir, pkg string, race bool) (string, error) {
	start := time.Now()
	buildsMu.Lock()
	if buildsDir == "" {
		dir, err := os.MkdirTemp("", "demotest-")
		if err != nil {
			buildsMu.Unlock()
			return "", err
		}
		buildsDir = dir
	}
	out := buildsDir
	buildsMu.Unlock()
	bin, err := os.MkdirTemp(out, "bin-")
	if err != nil {
		return "", err
	}
	name := filepath.Base(filepath.Join(moduleDir, pkg))
	if name == "." || name == string(filepath.Separator) {
		name = "demo"
	}
	bin = filepath.Join(bin, name)
	args := []string{"build", "-o", bin}
	if race {
		args = append(args, "-race")
	}
	ctx, cancel := context.WithTimeout(context.Background(), BuildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", append(args, pkg)...)
	cmd.Dir = moduleDir
	if output, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go -C %s build %s: %v\n%s", moduleDir, pkg, err, output)
	}
	t.Logf("go -C %s build %s: %v", moduleDir, pkg, time.Since(start).Round(time.Millisecond))
	return bin, nil
}

// RemoveBuilds deletes the executables Build made; call it from TestMain
// after m.Run.
func RemoveBuilds() {
	buildsMu.Lock()
	defer buildsMu.Unlock()
	if buildsDir != "" {
		os.RemoveAll(buildsDir)
		buildsDir = ""
	}
}

// Main runs the tests of m, then removes the executables the end-to-end
// tests built once for every test of the binary: a test package's
// TestMain is `func TestMain(m *testing.M) { demotest.Main(m) }`.
func Main(m *testing.M) {
	code := m.Run()
	RemoveBuilds()
	os.Exit(code)
}
