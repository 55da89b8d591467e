package flagz

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"

	"github.com/flagz-go/flagz/record"

	"github.com/spf13/pflag"
)

// FileReadValue is the value of a "<name>_path" flag: a path from which
// ReadFileFlags sets the flag called name. It is the flag's Value, as in
// go-flagz, so the companion flag that WithFileFlag declares is reached
// through the flag set:
//
//	pathFlag := fs.Lookup("config_path").Value.(*flagz.FileReadValue)
//
// Its String is the path (empty for none), so Set(String()) round-trips.
type FileReadValue struct {
	parentFlagName string
	path           atomic.Pointer[string]
}

// FileReadFlag declares "<parentFlagName>_path" on fs: when it holds a path
// (defaultFilePath unless given), ReadFileFlags reads that file into the
// flag parentFlagName.
func FileReadFlag[F FlagSet](fs F, parentFlagName, defaultFilePath string) *FileReadValue {
	return newFileReadValue(adapt(fs), parentFlagName, defaultFilePath)
}

func newFileReadValue(fs flagSet, parent, defaultFilePath string) *FileReadValue {
	v := &FileReadValue{parentFlagName: parent}
	v.path.Store(&defaultFilePath)
	name := parent + "_path"
	usage := fmt.Sprintf("path of a file to read the value of --%s from", parent)
	switch s := fs.(type) {
	case pflagSet:
		s.fs.VarP(v, name, "", usage)
	case *stdFlagSetView:
		s.fs.Var(v, name, usage)
	default:
		// adapt makes only the two views above; a value declared on no
		// flag set would never be read, so this is flagz's own bug.
		panic(fmt.Sprintf("flagz: cannot declare %q: unknown flag set type %T", name, fs))
	}
	return v
}

// Path returns the path the flag holds now; empty means none.
func (f *FileReadValue) Path() string {
	if f == nil {
		return ""
	}
	if p := f.path.Load(); p != nil {
		return *p
	}
	return "" // the zero value, as flag.PrintDefaults makes one
}

// ParentFlagName names the flag that ReadFileFlags sets from the file.
func (f *FileReadValue) ParentFlagName() string { return f.parentFlagName }

// String returns the path.
func (f *FileReadValue) String() string { return f.Path() }

// Set replaces the path; an empty path means nothing is read.
func (f *FileReadValue) Set(path string) error {
	f.path.Store(&path)
	return nil
}

// Type is "fileread", as in go-flagz.
func (f *FileReadValue) Type() string { return "fileread" }

// ReadFileFlags reads the file of every "_path" flag declared with
// FileReadFlag or WithFileFlag that holds a path, and sets its parent flag to
// the file's contents (one trailing newline dropped). It goes through the
// engine as source "fileread", so values are validated and recorded like any
// other; the source is SERVING once the files are read, DEGRADED (naming
// them) if some could not be. A file that does not exist is a removal: its
// flag returns to its default. A file that exists but cannot be read (a
// directory in its place, an I/O or permission error) is not: the source
// keeps holding what it last read from it, so its flag keeps its value.
// Call it after parsing the command line; every failure is returned, each
// naming its flag.
func ReadFileFlags[F FlagSet](fs F) error {
	e := EngineFor(fs)
	type fileRead struct{ parent, path string }
	var reads []fileRead
	e.fsMu.Lock() // pflag's VisitAll writes its sorted cache
	e.fs.visitAll(func(f *pflag.Flag) {
		if r, ok := f.Value.(*FileReadValue); ok && r.Path() != "" {
			reads = append(reads, fileRead{r.parentFlagName, r.Path()})
		}
	})
	e.fsMu.Unlock()

	src := e.Source("fileread", nil)
	values := map[string]string{}
	var readErrs []error
	for _, r := range reads {
		data, err := os.ReadFile(r.path)
		if err != nil {
			readErrs = append(readErrs, fmt.Errorf("flag %q: reading %s: %w", r.parent, r.path, err))
			if !errors.Is(err, os.ErrNotExist) {
				// The file is there but unreadable: as far as we know it
				// holds what it held, so the full snapshot below must not
				// drop it (that would return the flag to its default).
				if _, text, held := src.holding(r.parent, false); held {
					values[r.parent] = text
				}
			}
			continue
		}
		values[r.parent] = strings.TrimSuffix(string(data), "\n")
	}
	report := src.Load(0, values)
	// The files were read once, now (Load records the sync): the source is
	// SERVING, or DEGRADED with the files it could not read. A value its
	// flag refused is in the report, as for any source, and leaves the
	// state alone.
	if len(readErrs) > 0 {
		src.SetState(record.StateDegraded, errors.Join(readErrs...))
	} else {
		src.SetState(record.StateServing, nil)
	}
	errs := append(readErrs, report.Err())
	for _, o := range report {
		if o.Result == record.Unknown {
			errs = append(errs, fmt.Errorf("flag %q: no such flag to read from %s_path", o.Flag, o.Flag))
		}
	}
	return errors.Join(errs...)
}
