// Tools module: writes modules of this repository into a file-based module
// proxy, as a release would publish them (see scripts/release-check.sh).
// Nothing imports it and no go.work lists it.
module github.com/flagz-go/flagz/tools/releasecheck

go 1.26.0

require golang.org/x/mod v0.43.0
