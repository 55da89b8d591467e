package record

// Result says what became of one name in an update.
type Result int

// The results of applying a name from a source.
const (
	Applied         Result = iota // the flag took the value (or returned to its default)
	Unchanged                     // the flag already held the value
	Rejected                      // the value did not parse or failed a validator; the last good value stays
	RestartRequired               // a static flag changed after start-up; not applied
	Unknown                       // no flag has the name; ignored, never deleted from the source
	CommandLine                   // a static flag given on the command line keeps that value; not applied
)

var resultNames = [...]string{"applied", "unchanged", "rejected", "restart_required", "unknown", "command_line"}

// String gives the result's name as metrics and the debug page show it:
// "applied", "unchanged", "rejected", "restart_required", "unknown" or
// "command_line"; "none" for -1, the result of a name a report lacks.
func (r Result) String() string {
	if r == -1 {
		return "none"
	}
	if r < 0 || int(r) >= len(resultNames) {
		return "invalid"
	}
	return resultNames[r]
}
