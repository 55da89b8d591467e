module github.com/flagz-go/flagz/natskv

go 1.26.0

replace github.com/flagz-go/flagz => ../

require (
	github.com/flagz-go/flagz v0.0.0-00010101000000-000000000000
	github.com/nats-io/nats.go v1.56.0
	github.com/spf13/pflag v1.0.10
)

require (
	github.com/klauspost/compress v1.20.0 // indirect
	github.com/nats-io/nkeys v0.4.16 // indirect
	github.com/nats-io/nuid v1.0.1 // indirect
	go.uber.org/goleak v1.3.0 // indirect
	golang.org/x/crypto v0.57.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)
