package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// repoPrefix is the path of the repository's root module; every module
// of the repository has it or starts with it and a slash.
const repoPrefix = "github.com/flagz-go/flagz"

// releaseModule is one module to release: its directory relative to the
// repository's root, its path, and the paths of the repository's modules
// it requires.
type releaseModule struct {
	dir, path string
	requires  []string
}

// plan reads the go.mod of each module directory (relative to root) and
// returns them in release order: steps of modules whose requirements among
// the repository's modules are all released in earlier steps. It fails
// when a module requires a module of the repository that is not released
// (users could not fetch it), or a version no proxy serves.
func plan(root string, dirs []string) ([][]releaseModule, error) {
	byPath := map[string]*releaseModule{}
	var mods []*releaseModule
	for _, dir := range dirs {
		data, err := os.ReadFile(filepath.Join(root, dir, "go.mod"))
		if err != nil {
			return nil, err
		}
		f, err := modfile.ParseLax(filepath.Join(dir, "go.mod"), data, nil)
		if err != nil {
			return nil, err
		}
		if f.Module == nil {
			return nil, fmt.Errorf("%s/go.mod names no module", dir)
		}
		m := &releaseModule{dir: filepath.ToSlash(filepath.Clean(dir)), path: f.Module.Mod.Path}
		for _, r := range f.Require {
			if inRepo(r.Mod.Path) {
				m.requires = append(m.requires, r.Mod.Path)
			} else if module.IsPseudoVersion(r.Mod.Version) && strings.HasPrefix(r.Mod.Version, "v0.0.0-00010101000000-") {
				return nil, fmt.Errorf("%s requires %s@%s, a version only a replace resolves", dir, r.Mod.Path, r.Mod.Version)
			}
		}
		sort.Strings(m.requires)
		byPath[m.path] = m
		mods = append(mods, m)
	}
	for _, m := range mods {
		for _, r := range m.requires {
			if byPath[r] == nil {
				return nil, fmt.Errorf("%s (%s) requires %s, which is not released: its users could not fetch it", m.dir, m.path, r)
			}
		}
	}
	done := map[string]bool{}
	var steps [][]releaseModule
	for len(done) < len(mods) {
		var step []releaseModule
		for _, m := range mods {
			if done[m.path] {
				continue
			}
			ready := true
			for _, r := range m.requires {
				ready = ready && done[r]
			}
			if ready {
				step = append(step, *m)
			}
		}
		if len(step) == 0 {
			return nil, fmt.Errorf("the modules require each other in a cycle")
		}
		for _, m := range step {
			done[m.path] = true
		}
		steps = append(steps, step)
	}
	return steps, nil
}

// inRepo reports whether path is a module of this repository.
func inRepo(path string) bool {
	return path == repoPrefix || strings.HasPrefix(path, repoPrefix+"/")
}

// tag is the git tag that releases the module in dir at version: the
// version alone for the root module, "<dir>/<version>" for a nested one.
func tag(dir, version string) string {
	if dir == "." {
		return version
	}
	return dir + "/" + version
}

// printPlan writes the plan as lines the release script reads:
//
//	STEP DIR PATH TAG REQUIRED_PATH,…   ("-" when none)
func printPlan(steps [][]releaseModule, version string) {
	for i, step := range steps {
		for _, m := range step {
			req := strings.Join(m.requires, ",")
			if req == "" {
				req = "-"
			}
			fmt.Printf("%d %s %s %s %s\n", i+1, m.dir, m.path, tag(m.dir, version), req)
		}
	}
}
