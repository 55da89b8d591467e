package cli

import (
	"cmp"
	"os"
	"os/user"
	"time"

	"github.com/flagz-go/flagz/watcher/change"
	"github.com/spf13/pflag"
)

// EnvAuthor gives the author of the command's writes, as --author does.
const EnvAuthor = "FLAGZ_AUTHOR"

// authorship is who writes and why, as every write of the command records
// it beside the flag (package change): --author and --reason.
type authorship struct {
	author string
	reason string
}

// bind declares --author and --reason.
func (a *authorship) bind(fs *pflag.FlagSet) {
	fs.StringVar(&a.reason, "reason", "", "why: recorded beside the flag with the write (flagz history shows it)")
	fs.StringVar(&a.author, "author", os.Getenv(EnvAuthor),
		"who, as recorded beside the flag (env "+EnvAuthor+"); default: the etcd user (--user), else user@host")
}

// record returns the change record of action on the flag name by this
// session: who (the author given, else the etcd user the command
// authenticates as, else user@host from the environment), the etcd user
// apart if there is one, when and why.
func (s *session) record(a authorship, name, action, detail string) change.Record {
	return change.Record{Flag: name, Action: action, By: cmp.Or(a.author, s.g.user, localUser()), User: s.g.user,
		At: time.Now().UTC().Truncate(time.Millisecond), Reason: a.reason, Detail: detail}
}

// localUser is user@host as the environment says: $USER (or $LOGNAME, or
// the account's name) at the host name.
func localUser() string {
	name := cmp.Or(os.Getenv("USER"), os.Getenv("LOGNAME"))
	if name == "" {
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	return cmp.Or(name, "unknown") + "@" + host
}
