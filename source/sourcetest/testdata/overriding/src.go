package overriding

type Source struct {
	rt   *runtime
	life sync.Mutex
}

// Start does more than the runtime's: the bug of a source that overrides
// its lifecycle.
func (s *Source) Start(ctx context.Context) error {
	s.life.Lock()
	defer s.life.Unlock()
	return s.rt.Start(ctx)
}

func (s *Source) Initialize(ctx context.Context) (flagz.Report, error) {
	return s.rt.Initialize(context.Background())
}
func (s *Source) Stop()                         { s.rt.Run(nil) }
func (s *Source) Run(ctx context.Context) error { return other.rt.Run(ctx) }
