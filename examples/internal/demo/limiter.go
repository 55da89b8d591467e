package demo

import (
	"log/slog"

	"golang.org/x/time/rate"
)

// newLimiter returns a token bucket that follows the rate_limit flag: it
// allows rate_limit requests a second, with a burst of as many, and the
// flag's notifier resizes it on every change.
func newLimiter(f *Flags, logger *slog.Logger) *rate.Limiter {
	start := f.RateLimit.Get()
	l := rate.NewLimiter(rate.Limit(start), int(start)) // starts full
	resize := func(perSecond int64) {
		l.SetLimit(rate.Limit(perSecond))
		l.SetBurst(int(perSecond))
	}
	// The notifier is added before the first read, so a change arriving in
	// between is not lost: the last resize always carries the latest value.
	f.RateLimit.WithNotifier(func(old, new int64) {
		resize(new)
		logger.Info("rate limiter resized", "from_per_second", old, "to_per_second", new)
	})
	resize(f.RateLimit.Get())
	return l
}
