package configmap

import (
	"errors"
	"fmt"
)

// ErrTooLarge is the reason a source gives for refusing an origin above its
// size cap (WithMaxSize): nothing of it is applied.
var ErrTooLarge = errors.New("above the size cap")

func tooLarge(what string, limit int64) error {
	return fmt.Errorf("%s: more than %d bytes, %w (configmap.WithMaxSize); nothing applied", what, limit, ErrTooLarge)
}
