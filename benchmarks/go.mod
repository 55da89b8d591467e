module github.com/flagz-go/flagz/benchmarks

go 1.25

replace github.com/flagz-go/flagz => ../
