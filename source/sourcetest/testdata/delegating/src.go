package delegating

type Source struct{ rt *runtime }

func (s *Source) Initialize(ctx context.Context) (flagz.Report, error) { return s.rt.Initialize(ctx) }
func (s *Source) Start(ctx context.Context) error                      { return s.rt.Start(ctx) }
func (s *Source) Stop()                                                { s.rt.Stop() }
func (s *Source) Run(ctx context.Context) error                        { return s.rt.Run(ctx) }
func (s *Source) Status() record.SourceStatus                          { return s.rt.Status() }
