// Command simple is the smallest flagz program: flags declared in a shared
// package (settings), parsed from the command line, secrets read from
// files, values read anywhere without locks.
//
//	go run ./examples/simple --workers=8 --backends='a:80, b:80' --verbose
//	go run ./examples/simple --workers=100        # refused: not in [1, 64]
//	echo s3cret > /tmp/token && go run ./examples/simple --api_token_path=/tmp/token
//
// It prints the values it reads through settings, then every flag as the
// flagz engine sees it: static or dynamic, current value, default, and
// whether it changed.
package main
