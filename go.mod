module github.com/flagz-go/flagz

go 1.26.0

require (
	github.com/spf13/pflag v1.0.10
	golang.org/x/net v0.62.0
	google.golang.org/protobuf v1.36.12
)
