package configmap

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrTooLarge is the reason a source gives for refusing an origin above its
// size cap (WithMaxSize): nothing of it is applied.
var ErrTooLarge = errors.New("above the size cap")

// readCapped reads the file at path, refusing it with ErrTooLarge when it
// holds more than limit bytes: it never reads more than limit+1.
func readCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() && info.Size() > limit {
		return nil, tooLarge(path, limit)
	}
	content, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(content)) > limit {
		return nil, tooLarge(path, limit)
	}
	return content, nil
}

func tooLarge(what string, limit int64) error {
	return fmt.Errorf("%s: more than %d bytes, %w (configmap.WithMaxSize); nothing applied", what, limit, ErrTooLarge)
}
