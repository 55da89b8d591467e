package demo

import (
	"log/slog"

	"golang.org/x/time/rate"
)

// newLimiter returns a token bucket that follows the rate_limit and
// rate_burst flags: it allows rate_limit requests a second, with a burst
// of rate_burst (or as many as rate_limit), and the struct's notifier
// resizes it on every change, once for both.
func newLimiter(f *Flags, logger *slog.Logger) *rate.Limiter {
	start := f.RateLimit.Get()
	l := rate.NewLimiter(rate.Limit(start.PerSecond), int(start.BurstSize())) // starts full
	resize := func(to RateLimits) {
		l.SetLimit(rate.Limit(to.PerSecond))
		l.SetBurst(int(to.BurstSize()))
	}
	// The notifier is added before the first read, so a change arriving in
	// between is not lost: the last resize always carries the latest value.
	f.RateLimit.WithNotifier(func(old, new RateLimits) {
		resize(new)
		logger.Info("rate limiter resized", "from_per_second", old.PerSecond, "to_per_second", new.PerSecond,
			"from_burst", old.BurstSize(), "to_burst", new.BurstSize())
	})
	resize(f.RateLimit.Get())
	return l
}
