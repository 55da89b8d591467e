package flagz_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/flagz-go/flagz"
	"github.com/spf13/pflag"
)

// Enable a feature for a share of users, decided per request from the user
// id: every process picks the same users, and raising the share only adds
// users.
func ExampleDynRollout() {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	newCheckout := flagz.DynRollout(fs, "new_checkout", flagz.Rollout{}, "share of users on the new checkout")

	// Usually written by etcdctl or in a ConfigMap; the salt keeps the
	// users of an earlier rollout named checkout-v2.
	_ = fs.Parse([]string{"--new_checkout=30% salt=checkout-v2 on=qa-team off=user-10"})

	checkout := func(userID string) string {
		if newCheckout.Enabled(userID) {
			return "new"
		}
		return "old"
	}
	for _, user := range []string{"user-1", "user-2", "user-9", "user-10", "qa-team"} {
		fmt.Println(user, checkout(user))
	}
	fmt.Println(newCheckout.Describe())
	// Output:
	// user-1 new
	// user-2 old
	// user-9 new
	// user-10 old
	// qa-team new
	// 30% (salt checkout-v2; always on: qa-team; always off: user-10)
}

// Enable a feature on 5% of machines, with the host name as the key. Ask
// at each use rather than once at start-up: the flag may change (or ramp)
// while the process runs.
func ExampleDynRollout_hosts() {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	allocator := flagz.DynRollout(fs, "new_allocator", flagz.Rollout{BasisPoints: 500}, "machines on the new allocator")

	host, err := os.Hostname()
	if err != nil {
		host = "" // the empty key is enabled only at 100%
	}
	useNewAllocator := func() bool { return allocator.Enabled(host) }
	_ = useNewAllocator

	// Which machines of a fleet of 100 take it, the same seen from any of
	// them; raising the share to 10% keeps those and adds more.
	fleet := make([]string, 100)
	for i := range fleet {
		fleet[i] = fmt.Sprintf("web-%03d", i+1)
	}
	enabledOn := func() string {
		var on []string
		for _, h := range fleet {
			if allocator.Enabled(h) {
				on = append(on, h)
			}
		}
		return strings.Join(on, " ")
	}
	fmt.Println("5%: ", enabledOn())
	_ = allocator.Set("10%")
	fmt.Println("10%:", enabledOn())
	// Output:
	// 5%:  web-044 web-072
	// 10%: web-035 web-044 web-046 web-047 web-048 web-049 web-062 web-066 web-072
}

// A ramp moves the share by itself: one write takes the fleet from 5% to
// 100% over a week.
func ExampleDynRolloutValue_Describe() {
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	search := flagz.DynRollout(fs, "new_search", flagz.Rollout{}, "share of users on the new search")

	_ = search.Set("ramp 5%..100% 2020-06-01T00:00:00Z..2020-06-08T00:00:00Z")
	fmt.Println(search.String())
	fmt.Println(search.Describe()) // the ramp ended long ago
	// Output:
	// ramp 5%..100% 2020-06-01T00:00:00Z..2020-06-08T00:00:00Z
	// 100% (ramp from 5% ended 2020-06-08T00:00:00Z)
}
