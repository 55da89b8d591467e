package configmap

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/fsnotify/fsnotify"

	"github.com/flagz-go/flagz"
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
// and subdirectories are skipped. Content is passed as it is, so binaryData
// keys feed DynProto flags in the wire format; a DynProto flag gets the
// bytes exactly, trailing newline included.
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
	o := &dirOrigin{dir: dir, syntax: flagSyntax(fs), maxSize: cfg.maxSize}
	return newWatcher(fs, o, cfg)
}

type dirOrigin struct {
	dir     string
	syntax  func(name string) flagz.Syntax
	maxSize int64       // bytes the files of one version may hold together
	sawLink atomic.Bool // the directory had a ..data link once
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
// from it would look removed.
func (o *dirOrigin) read() (map[string]string, error) {
	for attempt := 1; ; attempt++ {
		base, err := o.snapshotDir()
		if err != nil {
			return nil, err
		}
		values, err := o.readVersion(base)
		if now, _ := o.snapshotDir(); now == base {
			return values, err // the version read is still the current one
		}
		if attempt == readAttempts {
			return nil, fmt.Errorf("%s: swapped to a new version during each of %d reads", o.dir, readAttempts)
		}
	}
}

// readVersion reads every key of the version held in base.
func (o *dirOrigin) readVersion(base string) (map[string]string, error) {
	entries, err := os.ReadDir(base)
	if err != nil {
		return nil, err
	}
	values := make(map[string]string, len(entries))
	left := o.maxSize
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, "..") {
			continue
		}
		path := filepath.Join(base, name)
		info, err := os.Stat(path) // follows the key symlinks of a plain directory
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if info.IsDir() {
			continue
		}
		content, err := readCapped(path, left)
		if errors.Is(err, ErrTooLarge) {
			return nil, tooLarge("the files of "+o.dir+" together", o.maxSize)
		}
		if err != nil {
			return nil, err
		}
		left -= int64(len(content))
		values[name] = o.value(name, content)
	}
	return values, nil
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
	if strings.HasSuffix(text, "\n") && utf8.ValidString(text) && o.syntax(name) != flagz.SyntaxProto {
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
