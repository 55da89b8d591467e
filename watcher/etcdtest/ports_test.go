package etcdtest

import (
	"errors"
	"net"
	"testing"
)

func TestPortTakenRecognisesABindConflict(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = net.Listen("tcp", l.Addr().String())
	if err == nil {
		t.Fatal("a second listener on one port succeeded")
	}
	if !portTaken(err) {
		t.Errorf("portTaken(%v) = false", err)
	}
	if portTaken(errors.New("permission denied")) {
		t.Error("portTaken of another error = true")
	}
}
