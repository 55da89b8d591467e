package source

import "github.com/flagz-go/flagz/internal/link"

// FormatList writes items as DynStringSlice and DynStringSet read them:
// comma separated, with an item holding a comma, a quote or outer white
// space in double quotes ("" for a quote inside). Sources that turn
// structured lists (YAML, JSON) into flag text use it.
func FormatList(items []string) string { return link.FormatList(items) }
