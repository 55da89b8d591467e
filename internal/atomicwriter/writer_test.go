package atomicwriter

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// layout returns the entries of dir, with symlink targets, sorted.
func layout(t *testing.T, dir string) (tsDirs []string, links map[string]string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	links = map[string]string{}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if target, err := os.Readlink(path); err == nil {
			links[e.Name()] = target
			continue
		}
		if e.IsDir() && strings.HasPrefix(e.Name(), "..") {
			tsDirs = append(tsDirs, e.Name())
			continue
		}
		t.Errorf("unexpected entry %s", e.Name())
	}
	return tsDirs, links
}

func readKey(t *testing.T, dir, key string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, key))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteReproducesKubeletLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "vol")
	w, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteStrings(map[string]string{"a": "1\n", "b": "2\n"}); err != nil {
		t.Fatal(err)
	}
	ts, links := layout(t, dir)
	if len(ts) != 1 || !strings.HasPrefix(ts[0], "..20") {
		t.Fatalf("timestamped dirs = %v, want one ..<timestamp>", ts)
	}
	want := map[string]string{"..data": ts[0], "a": "..data/a", "b": "..data/b"}
	if !maps.Equal(links, want) {
		t.Fatalf("links = %v, want %v", links, want)
	}
	first := ts[0]

	// b removed, c added, a changed: new ts dir, old one gone, links follow.
	if err := w.WriteStrings(map[string]string{"a": "10\n", "c": "3\n"}); err != nil {
		t.Fatal(err)
	}
	ts, links = layout(t, dir)
	if len(ts) != 1 || ts[0] == first {
		t.Fatalf("timestamped dirs = %v, want one new dir replacing %s", ts, first)
	}
	want = map[string]string{"..data": ts[0], "a": "..data/a", "c": "..data/c"}
	if !maps.Equal(links, want) {
		t.Fatalf("links = %v, want %v", links, want)
	}
	if got := readKey(t, dir, "a"); got != "10\n" {
		t.Fatalf("a = %q", got)
	}
	if _, err := os.Lstat(filepath.Join(dir, "..data_tmp")); !os.IsNotExist(err) {
		t.Fatalf("..data_tmp left behind: %v", err)
	}

	// The same payload again changes nothing, as in the kubelet.
	if err := w.WriteStrings(map[string]string{"a": "10\n", "c": "3\n"}); err != nil {
		t.Fatal(err)
	}
	if again, _ := layout(t, dir); !slices.Equal(again, ts) {
		t.Fatalf("no-op write replaced %v with %v", ts, again)
	}
}

func TestWriteRejectsBadKeys(t *testing.T) {
	w, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"", "..x", "a/b"} {
		if err := w.WriteStrings(map[string]string{key: "v"}); err == nil {
			t.Errorf("key %q accepted", key)
		}
	}
}

func TestSymlinkedReplaceDir(t *testing.T) {
	link := filepath.Join(t.TempDir(), "vol")
	s, err := NewSymlinked(link)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteStrings(map[string]string{"a": "1"}); err != nil {
		t.Fatal(err)
	}
	if got := readKey(t, link, "a"); got != "1" {
		t.Fatalf("a = %q", got)
	}
	old := s.Dir()
	if err := s.ReplaceDir(map[string][]byte{"a": []byte("2")}); err != nil {
		t.Fatal(err)
	}
	if got := readKey(t, link, "a"); got != "2" {
		t.Fatalf("a = %q after ReplaceDir", got)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Fatalf("old real dir %s still there: %v", old, err)
	}
}

// WriteWith publishes the entries its function makes inside the new
// version, and a later Write over a named pipe replaces it without opening
// it (opening a named pipe for reading blocks until a writer comes).
func TestWriteWithExtraEntries(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "vol")
	w, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	fifo := func(versionDir string) error { return mkfifo(filepath.Join(versionDir, "b")) }
	if err := w.WriteWith(map[string][]byte{"a": []byte("1")}, fifo); err != nil {
		t.Fatal(err)
	}
	info, err := os.Lstat(filepath.Join(dir, "..data", "b"))
	if err != nil || info.Mode()&fs.ModeNamedPipe == 0 {
		t.Fatalf("..data/b: %v, %v; want a named pipe", info, err)
	}
	done := make(chan error, 1)
	go func() { done <- w.WriteStrings(map[string]string{"a": "1", "b": "2"}) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Write over a named pipe has not returned after 10s")
	}
	if got := readKey(t, dir, "b"); got != "2" {
		t.Fatalf("b = %q", got)
	}
}
