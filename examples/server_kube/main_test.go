package main

import (
	"testing"

	"github.com/flagz-go/flagz/examples/internal/demotest"
)

// TestMain removes the executables the end-to-end tests built once for
// every test of this binary.
func TestMain(m *testing.M) { demotest.Main(m) }
