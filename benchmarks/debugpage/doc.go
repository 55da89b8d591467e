// Package debugpage measures the debug page (debug.NewHandler) of a flag
// set of 10,000 flags: JSON of every flag, the HTML page as served by
// default, the HTML of every flag, and a name filter. compare.sh runs the
// same file against an older flagz in the same run (README.md).
package debugpage
