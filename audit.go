package flagz

import (
	"log/slog"

	"github.com/flagz-go/flagz/record"
)

// maxUnknownNamesLogged bounds the names one audit line about unknown names
// lists; the line gives the count of all of them.
const maxUnknownNamesLogged = 20

// audit writes a batch's outcomes to the audit log: one line per applied
// change, rejection, restart-required or command-line value, and one line
// for all the names no flag has (a ConfigMap meant for a newer binary can
// hold thousands). Values of sensitive flags are already redacted.
// explicit: the batch is an explicit source's (the environment).
func audit(logger *slog.Logger, source string, rev int64, report Report, explicit bool) {
	var unknown []string
	unknownCount := 0
	for _, o := range report {
		attrs := []any{"flag", o.Flag, "source", source, "revision", rev}
		switch o.Result {
		case record.Applied:
			logger.Info("flagz: flag changed", append(attrs, "old", o.Old, "new", o.New, "removed", o.Removed)...)
			switch {
			case o.given != nil && o.given.by != "":
				logger.Warn("flagz: a source changed a dynamic flag set from "+o.given.by,
					append(attrs, o.given.by, o.given.text, "new", o.New)...)
			case o.given != nil:
				logger.Warn("flagz: a source changed a dynamic flag given on the command line",
					append(attrs, "command_line", o.given.text, "new", o.New)...)
			}
		case record.Rejected:
			logger.Warn("flagz: value rejected, last good value kept", append(attrs, "value", o.Value, "reason", reason(o.Err))...)
		case record.RestartRequired:
			logger.Warn("flagz: static flag changed, restart required", append(attrs, "value", o.Value)...)
		case record.CommandLine:
			if o.given.by != "" {
				logger.Warn("flagz: static flag set from "+o.given.by+" keeps that value; the source's value is not applied",
					append(attrs, o.given.by, o.given.text, "value", o.Value)...)
			} else if explicit {
				logger.Warn("flagz: flag given on the command line keeps that value; the source's value is not applied",
					append(attrs, "command_line", o.given.text, "value", o.Value)...)
			} else {
				logger.Warn("flagz: static flag given on the command line keeps that value; the source's value is not applied",
					append(attrs, "command_line", o.given.text, "value", o.Value)...)
			}
		case record.Unknown:
			unknownCount++
			if len(unknown) < maxUnknownNamesLogged {
				unknown = append(unknown, o.Flag)
			}
		}
	}
	if unknownCount > 0 {
		logger.Info("flagz: no flag has these names; ignored, left in the source",
			"source", source, "revision", rev, "count", unknownCount, "names", unknown)
	}
}
