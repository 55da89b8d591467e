package atomicwriter

// WriteWith is Write, with extra making entries of its own in the new
// version's directory (its argument) before ..data is swapped to it: tests
// publish that way a version holding what the kubelet never writes, such as
// a named pipe or a dangling symlink among the keys. The version is written
// even when payload equals the current one. The keys extra makes get no
// user-visible symlink; a later Write replaces them like any key.
func (w *Writer) WriteWith(payload map[string][]byte, extra func(versionDir string) error) error {
	return w.write(payload, extra)
}
