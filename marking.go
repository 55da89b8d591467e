package flagz

import "github.com/spf13/pflag"

const (
	dynamicAnnotation   = "__is_dynamic" // go-flagz's key, kept for compatibility
	sensitiveAnnotation = "__is_sensitive"
)

// MarkFlagDynamic marks a flag whose Value is safe to Set while the program
// runs, so that sources apply changes to it after start-up. Flags declared
// with this package's constructors are marked already.
func MarkFlagDynamic(f *pflag.Flag) { annotate(f, dynamicAnnotation) }

// IsFlagDynamic reports whether f may change while the program runs. Flags
// that are not dynamic are static: sources set them only at start-up.
func IsFlagDynamic(f *pflag.Flag) bool {
	if _, ok := f.Value.(interface{ flagzDynamic() }); ok {
		return true
	}
	_, ok := f.Annotations[dynamicAnnotation]
	return ok
}

// IsFlagStatic is the opposite of IsFlagDynamic, handy as a filter.
func IsFlagStatic(f *pflag.Flag) bool { return !IsFlagDynamic(f) }

// MarkFlagSensitive marks a flag whose value is secret: flagz shows
// Redacted instead of it everywhere. For dynamic values WithSensitive does
// the same.
func MarkFlagSensitive(f *pflag.Flag) {
	annotate(f, sensitiveAnnotation)
	if d, ok := f.Value.(interface{ markSensitive() }); ok {
		d.markSensitive() // its own errors and notifier panics are redacted too
	}
}

// IsFlagSensitive reports whether f's value must not be shown.
func IsFlagSensitive(f *pflag.Flag) bool {
	if d, ok := f.Value.(dynamicValue); ok && d.isSensitive() {
		return true
	}
	_, ok := f.Annotations[sensitiveAnnotation]
	return ok
}

// MarkSensitive marks the flag called name on fs as sensitive; it works for
// static flags of the standard flag package too. It reports whether the flag
// exists.
func MarkSensitive[F FlagSet](fs F, name string) bool {
	e := EngineFor(fs)
	e.fsMu.Lock()
	defer e.fsMu.Unlock()
	f := e.fs.lookup(name)
	if f == nil {
		return false
	}
	MarkFlagSensitive(f)
	e.valueChanged()
	return true
}

func annotate(f *pflag.Flag, key string) {
	if f.Annotations == nil {
		f.Annotations = map[string][]string{}
	}
	f.Annotations[key] = []string{}
}
