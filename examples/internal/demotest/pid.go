package demotest

// PID returns the process id of the running demo: the flagz command and
// presence records name processes by it (host/pid/…).
func (p *Process) PID() int { return p.cmd.Process.Pid }
