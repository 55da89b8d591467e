// Command releasecheck publishes module directories into a directory laid
// out as a GOPROXY (https://go.dev/ref/mod#goproxy-protocol), at one
// version, so that a release can be tried before it is tagged:
//
//	releasecheck -proxy DIR -version v0.1.0 MODULE_DIR...
//
// Each module is zipped as the Go command zips it (golang.org/x/mod/zip:
// nested modules, vendor and VCS directories left out), with its go.mod as
// the .mod file and the version added to its list, so that @latest finds it.
//
//	releasecheck -plan ROOT -version v0.1.0 MODULE_DIR...
//
// prints the release order of the modules in those directories (relative to
// ROOT), one line per module: the step, its directory, its path, its tag and
// the repository's modules it requires; it fails when a module requires one
// that is not among them.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

func main() {
	proxy := flag.String("proxy", "", "the proxy directory (created if missing)")
	version := flag.String("version", "", "the version to publish, such as v0.1.0")
	planRoot := flag.String("plan", "", "print the release order of the modules under this repository root")
	flag.Parse()
	if *planRoot != "" {
		steps, err := plan(*planRoot, flag.Args())
		if err != nil {
			log.Fatalf("releasecheck: %v", err)
		}
		printPlan(steps, *version)
		return
	}
	if *proxy == "" || *version == "" || flag.NArg() == 0 {
		log.Fatal("usage: releasecheck -proxy DIR -version VERSION MODULE_DIR...")
	}
	for _, dir := range flag.Args() {
		path, err := publish(*proxy, *version, dir)
		if err != nil {
			log.Fatalf("releasecheck: %s: %v", dir, err)
		}
		fmt.Printf("published %s@%s\n", path, *version)
	}
}

// publish writes the module in dir at version into proxy and returns its
// path.
func publish(proxy, version, dir string) (string, error) {
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "", err
	}
	path := modfile.ModulePath(gomod)
	if path == "" {
		return "", fmt.Errorf("go.mod names no module")
	}
	mv := module.Version{Path: path, Version: version}
	if err := module.Check(path, version); err != nil {
		return "", err
	}
	escaped, err := module.EscapePath(path)
	if err != nil {
		return "", err
	}
	at := filepath.Join(proxy, filepath.FromSlash(escaped), "@v")
	if err := os.MkdirAll(at, 0o755); err != nil {
		return "", err
	}
	z, err := os.Create(filepath.Join(at, version+".zip"))
	if err != nil {
		return "", err
	}
	if err := zip.CreateFromDir(z, mv, dir); err != nil {
		z.Close()
		return "", fmt.Errorf("zip: %w", err)
	}
	if err := z.Close(); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(at, version+".mod"), gomod, 0o644); err != nil {
		return "", err
	}
	info := fmt.Sprintf(`{"Version":%q,"Time":%q}`+"\n", version, time.Now().UTC().Format(time.RFC3339))
	if err := os.WriteFile(filepath.Join(at, version+".info"), []byte(info), 0o644); err != nil {
		return "", err
	}
	list := filepath.Join(at, "list")
	old, err := os.ReadFile(list)
	if err != nil && !os.IsNotExist(err) {
		return "", err
	}
	if !strings.Contains("\n"+string(old), "\n"+version+"\n") {
		if err := os.WriteFile(list, append(old, version+"\n"...), 0o644); err != nil {
			return "", err
		}
	}
	return path, nil
}
