package configmap

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/fsnotify/fsnotify"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/schema"
	"github.com/flagz-go/flagz/source"
)

// The names the kubelet's atomic writer uses inside a ConfigMap volume.
const (
	dataLink    = "..data"     // symlink to the current ..<timestamp> directory
	dataLinkTmp = "..data_tmp" // the next ..data, renamed over it
)

// errNoDataLink: a directory the kubelet managed lost its ..data link, which
// happens only while it is being removed or written again.
var errNoDataLink = errors.New(dataLink + " link missing from a kubelet-managed directory")

// New returns a Watcher that keeps the flags of fs in step with a directory
// holding one file per flag, as the kubelet mounts a ConfigMap volume: the
// file name is the flag name and the content its value, with one trailing
// newline removed. Entries whose names start with ".." (the kubelet's own)
// and subdirectories (the kubelet makes them for items given a path) are
// skipped. Content is passed as it is, so binaryData keys feed DynProto
// flags in the wire format; a DynProto flag gets the bytes exactly,
// trailing newline included.
//
// Only regular files are read (through symlinks). A key that cannot be read
// (a named pipe, a socket or a device, a dangling symlink such as Emacs's
// .#name lock files, a directory named after a flag, a file it may not
// read) affects that key only: it is never opened if it is not a regular
// file, so nothing blocks; the other keys apply as usual; its flag keeps the
// last value this watcher read for it (the key is not gone, so this is no
// removal); and the source is DEGRADED with an error naming each such key
// until none is left.
//
// The snapshot is read through the ..data link, resolved once per read, so it
// is always one consistent version of the ConfigMap. A key that disappears
// returns its flag to the default. A directory that disappears keeps every
// flag at its last good value and makes the source DEGRADED until the
// directory is back. A version whose files hold more than the size cap
// together (WithMaxSize, 1 MiB by default, the limit of a ConfigMap) is not
// read further, and nothing of it is applied.
//
// It returns an error naming the option when an option is given a value
// it cannot take, or when dir is empty.
func New[F flagz.FlagSet](fs F, dir string, opts ...Option) (*Watcher, error) {
	if dir == "" {
		return nil, errors.New("configmap: New: the directory is empty")
	}
	dir = absClean(dir)
	cfg, err := newConfig("configmap:"+dir, DefaultDirDebounce, opts)
	if err != nil {
		return nil, err
	}
	o := &dirOrigin{dir: dir, syntax: flagSyntax(fs), isFlag: flagNamed(fs), maxSize: cfg.maxSize}
	return newWatcher(fs, o, cfg)
}

type dirOrigin struct {
	dir     string
	syntax  func(name string) schema.Syntax
	isFlag  func(name string) bool
	maxSize int64       // bytes the files of one version may hold together
	sawLink atomic.Bool // the directory had a ..data link once

	mu   sync.Mutex
	last map[string]string // the values of the last read: what an unreadable key keeps
}

func (o *dirOrigin) watchPaths() []string {
	return []string{filepath.Dir(o.dir), o.dir}
}

func (o *dirOrigin) classify(ev fsnotify.Event) eventKind {
	name := filepath.Clean(ev.Name)
	switch {
	case name == o.dir:
		return eventRewatch
	case filepath.Dir(name) != o.dir:
		return eventIgnored
	}
	// Any operation alike: a swap may arrive as Create, Write, Rename, Remove
	// or Chmod.
	switch base := filepath.Base(name); {
	case base == dataLink, base == dataLinkTmp && !ev.Has(fsnotify.Create):
		return eventSwap
	case base == dataLinkTmp:
		return eventHint // made just before the swap: the swap's own event follows
	case strings.HasPrefix(base, ".."):
		return eventIgnored // the kubelet's ..<timestamp> directories
	}
	return eventHint // a key, perhaps written in place
}

// readAttempts bounds how often a read that raced with a swap (the version
// it was reading was replaced and removed meanwhile) is tried again at once.
const readAttempts = 3

// read reads the version ..data points at, and reads again when ..data
// moved meanwhile: the version read may have been half removed (the
// kubelet deletes the old version after the swap), so that keys missing
// from it would look removed. A key that cannot be read keeps the value
// the last read gave it, and the snapshot says why (Partial).
func (o *dirOrigin) read() (source.Snapshot, error) {
	for attempt := 1; ; attempt++ {
		base, err := o.snapshotDir()
		if err != nil {
			return source.Snapshot{}, err
		}
		values, bad, err := o.readVersion(base)
		if now, _ := o.snapshotDir(); now == base {
			if err != nil {
				return source.Snapshot{}, err
			}
			return o.keep(values, bad), nil
		}
		if attempt == readAttempts {
			return source.Snapshot{}, fmt.Errorf("%s: swapped to a new version during each of %d reads", o.dir, readAttempts)
		}
	}
}

// keep gives each unreadable key of a version the value the last read gave
// it, if any, and records values as the last read.
func (o *dirOrigin) keep(values map[string]string, bad []keyError) source.Snapshot {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, k := range bad {
		if v, ok := o.last[k.key]; ok {
			values[k.key] = v
		}
	}
	o.last = maps.Clone(values)
	snap := source.Snapshot{Values: values}
	if len(bad) > 0 {
		snap.Partial = &unreadableKeys{dir: o.dir, keys: bad}
	}
	return snap
}

// readVersion reads every key of the version held in base. It returns the
// keys that could not be read apart; err is set only when the version as a
// whole cannot be read or is above the size cap.
func (o *dirOrigin) readVersion(base string) (values map[string]string, bad []keyError, err error) {
	entries, err := os.ReadDir(base)
	if err != nil {
		return nil, nil, err
	}
	values = make(map[string]string, len(entries))
	left := o.maxSize
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, "..") {
			continue
		}
		content, err := readRegular(filepath.Join(base, name), left) // follows the key symlinks of a plain directory
		var nr *notRegularError
		switch {
		case err == nil:
			left -= int64(len(content))
			values[name] = o.value(name, content)
			continue
		case errors.Is(err, ErrTooLarge):
			return nil, nil, tooLarge("the files of "+o.dir+" together", o.maxSize)
		case errors.Is(err, errDangling): // a key that cannot be read, below
		case errors.Is(err, fs.ErrNotExist):
			continue // gone since the listing (a swap under way is caught by read)
		case errors.As(err, &nr) && nr.mode.IsDir() && !o.isFlag(name):
			continue // a subdirectory, not a key
		}
		// A named pipe, a dangling symlink, a directory named after a flag,
		// a file that may not be read: this key only.
		bad = append(bad, keyError{key: name, err: err})
	}
	return values, bad, nil
}

// snapshotDir returns the directory holding the current version: the target
// of ..data, resolved once so that one read sees one version, or the
// directory itself when it has no ..data link.
func (o *dirOrigin) snapshotDir() (string, error) {
	link := filepath.Join(o.dir, dataLink)
	info, err := os.Lstat(link)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, err := os.Stat(o.dir); err != nil {
			return "", err
		}
		if o.sawLink.Load() {
			return "", errNoDataLink
		}
		return o.dir, nil
	case err != nil:
		return "", err
	case info.Mode()&fs.ModeSymlink == 0:
		return o.dir, nil // not the kubelet's layout: an ordinary directory of files
	}
	target, err := os.Readlink(link)
	if err != nil {
		return "", err
	}
	o.sawLink.Store(true)
	if !filepath.IsAbs(target) {
		target = filepath.Join(o.dir, target)
	}
	return target, nil
}

// value is the text a file gives its flag: the content without one trailing
// newline, except for protocol buffer flags (whose input may be binary) and
// content that is not UTF-8 text, which pass byte for byte.
func (o *dirOrigin) value(name string, content []byte) string {
	text := string(content)
	if strings.HasSuffix(text, "\n") && utf8.ValidString(text) && o.syntax(name) != schema.Proto {
		text = text[:len(text)-1]
	}
	return text
}

func absClean(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return filepath.Clean(path)
}
