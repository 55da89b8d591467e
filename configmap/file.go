package configmap

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/fsnotify/fsnotify"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/schema"
	"github.com/flagz-go/flagz/source"
)

// NewFile returns a Watcher that keeps the flags of fs in step with one YAML
// or JSON file mapping flag names to values, the use case of viper's
// WatchConfig. A name ending in ".json" is parsed as JSON, anything else as
// YAML (of which JSON is a subset). How values become flag text:
//
//   - a scalar gives its text as written: `rate: 0x10` gives "0x10",
//     `timeout: 1.5s` gives "1.5s"; null (or nothing) gives "";
//     a !!binary scalar gives its decoded bytes (for DynProto);
//   - a list of scalars gives comma-separated text in DynStringSlice's
//     format (items holding a comma, a quote or outer space are quoted), which
//     DynStringSlice, DynStringSet and pflag's slices parse; for a DynJSON or
//     DynProto flag it gives JSON instead;
//   - a mapping, or a list holding mappings or lists, gives compact JSON, for
//     DynJSON, DynJSONOf and DynProto flags.
//
// Names are flag names at the top level; nested mappings are not flattened.
//
// The parent directory is watched, not the file, so editors' rename-saves and
// delete-and-recreate are followed, and a file inside a mounted ConfigMap
// (whose ..data link the kubelet swaps) too; a path that is a symlink to a
// file elsewhere is re-read only by the periodic resync when that file
// changes. A file is applied only whole:
// one that does not parse changes nothing, makes the source DEGRADED with
// the reason and is read again on the next event. An empty file (only white
// space or comments) is taken for a write in progress, such as the gap of a
// truncate-then-write, and changes nothing either: to return every flag to
// its default, write "{}". A missing file also keeps the last good values
// (DEGRADED) until it is back. A name removed from the file returns its flag
// to the default.
//
// Only a regular file is read (through symlinks): a path that is a named
// pipe, a socket, a device or a directory is never opened, so nothing
// blocks, and counts as unreadable: the last good values stay and the
// source is DEGRADED naming the path (Initialize returns that error).
//
// A file above the size cap (WithMaxSize, 1 MiB by default) is not read,
// and a YAML document whose aliases expand beyond ten times its size (at
// least 64 KiB) is refused: neither changes anything, like a file that does
// not parse. Parse errors name the line and the flag, never a value.
//
// It returns an error naming the option when an option is given a value
// it cannot take, or when path is empty.
func NewFile[F flagz.FlagSet](fs F, path string, opts ...Option) (*Watcher, error) {
	if path == "" {
		return nil, errors.New("configmap: NewFile: the path is empty")
	}
	path = absClean(path)
	cfg, err := newConfig("file:"+path, DefaultFileDebounce, opts)
	if err != nil {
		return nil, err
	}
	o := &fileOrigin{path: path, syntax: flagSyntax(fs), maxSize: cfg.maxSize}
	return newWatcher(fs, o, cfg)
}

type fileOrigin struct {
	path    string
	syntax  func(name string) schema.Syntax
	maxSize int64 // bytes the file may hold
}

func (o *fileOrigin) watchPaths() []string { return []string{filepath.Dir(o.path)} }

func (o *fileOrigin) classify(ev fsnotify.Event) eventKind {
	name := filepath.Clean(ev.Name)
	dir := filepath.Dir(o.path)
	switch {
	case name == dir:
		return eventRewatch
	case filepath.Dir(name) != dir:
		return eventIgnored
	}
	switch filepath.Base(name) {
	case filepath.Base(o.path):
		return eventHint // perhaps written in place: wait for the writer
	case dataLink, dataLinkTmp:
		return eventSwap // the file is a key of a mounted ConfigMap
	}
	return eventIgnored
}

func (o *fileOrigin) read() (source.Snapshot, error) {
	content, err := o.readWhole()
	if err != nil {
		return source.Snapshot{}, err
	}
	values, err := parseFile(o.path, content, o.syntax)
	if err != nil {
		return source.Snapshot{}, fmt.Errorf("%s: %w", o.path, err)
	}
	return source.Snapshot{Values: values}, nil
}

// readWhole reads the file, again at once when its size moved during the
// read (a writer at work, or the ..data swap of a mounted ConfigMap), so as
// never to parse a part of it. Only a regular file is read (see
// readRegular): anything else is refused at once.
func (o *fileOrigin) readWhole() ([]byte, error) {
	for attempt := 1; ; attempt++ {
		content, err := readRegular(o.path, o.maxSize)
		if err != nil {
			var nr *notRegularError
			if attempt < readAttempts && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, ErrTooLarge) && !errors.As(err, &nr) {
				continue
			}
			return nil, err
		}
		info, err := os.Stat(o.path)
		if err == nil && info.Size() == int64(len(content)) {
			return content, nil
		}
		if attempt == readAttempts {
			return nil, fmt.Errorf("%s: changed while being read", o.path)
		}
	}
}
