package flagz

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"
)

// FileReadValue is the value of a "<name>_path" flag: a path from which
// ReadFileFlags sets the flag called name.
type FileReadValue struct {
	fs             flagSet
	parentFlagName string
	path           pathValue
}

// pathValue is the flag.Value the "_path" flag holds.
type pathValue struct{ path *string }

func (p pathValue) String() string {
	if p.path == nil {
		return ""
	}
	return *p.path
}
func (p pathValue) Set(s string) error { *p.path = s; return nil }
func (p pathValue) Type() string       { return "fileread" }

// FileReadFlag declares "<parentFlagName>_path" on fs: when it holds a path
// (defaultFilePath unless given), ReadFileFlags reads that file into the
// flag parentFlagName.
func FileReadFlag[F FlagSet](fs F, parentFlagName, defaultFilePath string) *FileReadValue {
	return newFileReadValue(adapt(fs), parentFlagName, defaultFilePath)
}

func newFileReadValue(fs flagSet, parent, defaultFilePath string) *FileReadValue {
	path := defaultFilePath
	v := &FileReadValue{fs: fs, parentFlagName: parent, path: pathValue{&path}}
	usage := fmt.Sprintf("path of a file to read the value of --%s from", parent)
	switch s := fs.(type) {
	case pflagSet:
		s.fs.VarP(v.path, parent+"_path", "", usage)
	case *stdFlagSetView:
		s.fs.Var(v.path, parent+"_path", usage)
	}
	return v
}

// Path returns the path the flag holds now.
func (f *FileReadValue) Path() string { return f.path.String() }

// ReadFileFlags reads the file of every "_path" flag declared with
// FileReadFlag or WithFileFlag that holds a path, and sets its parent flag to
// the file's contents (one trailing newline dropped). It goes through the
// engine as source "fileread", so values are validated and recorded like any
// other. Call it after parsing the command line; every failure is returned,
// each naming its flag.
func ReadFileFlags[F FlagSet](fs F) error {
	e := EngineFor(fs)
	var readers []*FileReadValue
	e.mu.Lock()
	e.fs.visitAll(func(f *pflag.Flag) {
		if p, ok := f.Value.(pathValue); ok {
			if r := fileReaderFor(e.fs, f.Name, p); r != nil {
				readers = append(readers, r)
			}
		}
	})
	e.mu.Unlock()

	values := map[string]string{}
	var errs []error
	for _, r := range readers {
		if r.Path() == "" {
			continue
		}
		data, err := os.ReadFile(r.Path())
		if err != nil {
			errs = append(errs, fmt.Errorf("flag %q: reading %s: %w", r.parentFlagName, r.Path(), err))
			continue
		}
		values[r.parentFlagName] = strings.TrimSuffix(string(data), "\n")
	}
	report := e.Source("fileread").Load(0, values)
	errs = append(errs, report.Err())
	for _, o := range report {
		if o.Result == Unknown {
			errs = append(errs, fmt.Errorf("flag %q: no such flag to read from %s_path", o.Flag, o.Flag))
		}
	}
	return errors.Join(errs...)
}

func fileReaderFor(fs flagSet, pathFlag string, p pathValue) *FileReadValue {
	parent, ok := strings.CutSuffix(pathFlag, "_path")
	if !ok {
		return nil
	}
	return &FileReadValue{fs: fs, parentFlagName: parent, path: p}
}
