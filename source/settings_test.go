package source

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

// Every shared option refuses the values no source can take, naming the
// option; the first refusal is the one reported, and a refused value
// leaves the setting as it was.
func TestSettingsRefuseBadValuesNamingTheOption(t *testing.T) {
	for _, c := range []struct {
		set  func(*Settings)
		want string
	}{
		{func(s *Settings) { s.SetName("") }, "WithSourceName: the name is empty"},
		{func(s *Settings) { s.SetLogger(nil) }, "WithLogger: the logger is nil"},
		{func(s *Settings) { s.SetBackoff(0, 0) }, "WithBackoff(0s, 0s): the bounds must satisfy 0 < min <= max"},
		{func(s *Settings) { s.SetBackoff(time.Second, time.Millisecond) }, "WithBackoff(1s, 1ms)"},
		{func(s *Settings) { s.SetSnapshotFile("") }, "WithSnapshotFile: the path is empty"},
		{func(s *Settings) { s.SetResyncPeriod(-time.Second) }, "WithResyncPeriod(-1s): negative"},
		{func(s *Settings) { s.SetStopTimeout(0) }, "WithStopTimeout(0s): the timeout must be positive"},
	} {
		s := Settings{Config: Config{Name: "kept"}}
		c.set(&s)
		s.SetBackoff(-1, -1) // a second refusal is not the one reported
		if err := s.Err(); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Err = %v, want %q", err, c.want)
		}
		if s.Config != (Config{Name: "kept"}) {
			t.Errorf("a refused value changed the settings: %+v", s.Config)
		}
	}

	var s Settings
	logger := slog.New(slog.DiscardHandler)
	s.SetName("n")
	s.SetLogger(logger)
	s.SetBackoff(time.Millisecond, time.Second)
	s.SetSnapshotFile("/tmp/x")
	s.SetResyncPeriod(0)
	s.SetStopTimeout(time.Minute)
	want := Config{Name: "n", Logger: logger, MinBackoff: time.Millisecond, MaxBackoff: time.Second, SnapshotFile: "/tmp/x", StopTimeout: time.Minute}
	if s.Err() != nil || s.Config != want {
		t.Errorf("settings %+v, %v; want %+v", s.Config, s.Err(), want)
	}
}
