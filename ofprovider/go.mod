module github.com/flagz-go/flagz/ofprovider

go 1.26.0

replace github.com/flagz-go/flagz => ../

require (
	github.com/flagz-go/flagz v0.0.0-00010101000000-000000000000
	github.com/open-feature/go-sdk v1.20.0
	github.com/spf13/pflag v1.0.10
	google.golang.org/protobuf v1.36.12
)

require go.uber.org/mock v0.6.0 // indirect
