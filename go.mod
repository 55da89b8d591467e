module github.com/flagz-go/flagz

go 1.25

require (
	github.com/spf13/pflag v1.0.10
	google.golang.org/protobuf v1.36.12
)
