package main

import "github.com/flagz-go/flagz/examples/internal/demo"

// printCanaryTry prints the canary walkthrough of the banner: a value that
// reaches every process stage by stage, and one that halts on the demo's
// health (its rate limiter refusing requests).
func printCanaryTry(p func(string, ...any), run, eps, prefix string) {
	p("A canary: start three more processes (the line above without --rate-limit-max), then")
	p("")
	p("  flagz set %s 'hello, canary' --canary=25%%,50%%,100%% --bake=5s   # stage by stage, then promoted", demo.FlagGreeting)
	p("  flagz set %s 1 --canary=25%%,100%% --bake=2m --reason='cheaper'", demo.FlagRateLimit)
	p("      # while it bakes, curl / five times on each process: the stage's one (rate_limit 1) refuses 4 of 5 (429),")
	p("      # reports itself unhealthy, and the canary halts: every process returns to rate_limit 5 (the others refuse none)")
	p("  flagz canary status                      # what a canary is at: stage, members, who began it and why")
	p("  %-41s# every write, who made it and why", "flagz history "+demo.FlagRateLimit)
	p("  %-41s# back to the value before the last write", "flagz undo "+demo.FlagGreeting)
	p("")
}
