package atomicwriter

import (
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
)

// Symlinked is a volume whose directory is a symlink to the directory a
// Writer works in, as with projected volumes and some CSI drivers.
type Symlinked struct {
	*Writer
	link string
	gen  atomic.Int64
}

// NewSymlinked makes link a symlink to a new real directory next to it, and
// returns a Writer working in that real directory.
func NewSymlinked(link string) (*Symlinked, error) {
	s := &Symlinked{link: link}
	w, err := s.newRealDir()
	if err != nil {
		return nil, err
	}
	if err := os.Symlink(filepath.Base(w.targetDir), link); err != nil {
		return nil, err
	}
	s.Writer = w
	return s, nil
}

// Link returns the symlink the volume is seen through.
func (s *Symlinked) Link() string { return s.link }

func (s *Symlinked) newRealDir() (*Writer, error) {
	real := filepath.Join(filepath.Dir(s.link), fmt.Sprintf(".%s.real-%d", filepath.Base(s.link), s.gen.Add(1)))
	return New(real)
}

// ReplaceDir writes payload, kubelet-style, into a fresh real directory,
// then points the link at it in one atomic rename of a new symlink over the
// old one, and removes the previous real directory. A watch on the old
// directory sees it vanish; only the parent sees the new one arrive.
func (s *Symlinked) ReplaceDir(payload map[string][]byte) error {
	w, err := s.newRealDir()
	if err != nil {
		return err
	}
	if err := w.Write(payload); err != nil {
		return err
	}
	tmp := s.link + ".tmp"
	if err := os.Symlink(filepath.Base(w.targetDir), tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, s.link); err != nil {
		return err
	}
	old := s.Writer
	s.Writer = w
	return os.RemoveAll(old.targetDir)
}
