package demotest

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// BuildTimeout bounds a go build of a demo.
const BuildTimeout = 5 * time.Minute

// Build compiles the main package in dir (relative to the test's package
// directory, as for go build) into a temporary directory and returns the
// executable's path. With race true it builds with the race detector, so a
// data race in the process fails Stop's exit code check (the detector exits
// with 66).
func Build(t *testing.T, dir string, race bool) string {
	t.Helper()
	start := time.Now()
	bin := filepath.Join(t.TempDir(), "demo")
	args := []string{"build", "-o", bin}
	if race {
		args = append(args, "-race")
	}
	ctx, cancel := context.WithTimeout(t.Context(), BuildTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", append(args, dir)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build %s: %v\n%s", dir, err, out)
	}
	t.Logf("go build %s: %v", dir, time.Since(start).Round(time.Millisecond))
	return bin
}
