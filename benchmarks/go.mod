module github.com/flagz-go/flagz/benchmarks

go 1.26.0

replace github.com/flagz-go/flagz => ../

require (
	fortio.org/dflag v1.9.3
	fortio.org/sets v1.3.0
	github.com/flagz-go/flagz v0.0.0-00010101000000-000000000000
	github.com/spf13/pflag v1.0.10
	google.golang.org/protobuf v1.36.12
)

require fortio.org/duration v1.0.4 // indirect
