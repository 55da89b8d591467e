package flagz

// Locks of the engine, and the order they are taken in.
//
// The rule: a reader (a Prometheus scrape, the debug page, a checksum, a
// presence record) holds a lock an update needs only to read one flag, or
// to copy the list of flags (one pointer each, under fsMu), and never
// calls out (a callback, the network) or formats, hashes or allocates per
// flag under one. An update of a flag waits for the readers of that flag
// at most, never for a reader going through the whole flag set. Parsing,
// validators and notifiers of values flagz declared run under no lock a
// reader takes.
//
// Every mutex, outermost first. A goroutine holding one of them takes only
// locks listed after it, never one listed before it.
//
//  1. Runtime.op orders a Runtime's Initialize, Start and Stop; batches
//     of an Initialize are applied under it. It is a channel of capacity
//     1, so that Stop waits for it with a deadline (Config.StopTimeout):
//     a validator that blocks an Initialize holds it.
//  2. Source.mu: one batch of a source at a time (apply); guards what the
//     source holds and whether it loaded.
//  3. entry.mu: one change of one flag at a time, taken by writers only
//     (set, remove). Parsing and validators run under it (Dyn.stage): they
//     delay later changes of the same flag, never a reader.
//     The fields of one struct (DynStruct) in one batch are taken
//     together, in name order (applyGroup).
//  4. DynStructValue.mu: one change of one struct at a time; the next
//     struct is built from the current one, validated and swapped under
//     it. A direct Set of a field takes it alone; the engine takes it
//     after the fields' entry.mu and before their entry.commit.
//  5. Engine.fsMu: flagz's access to the flag set's own state: visits,
//     lookups, marking a flag sensitive, and FlagSet.Set of a flag flagz did
//     not declare (which runs that Value's Set, its parsing included: the
//     one piece of user code under a lock readers take, and only for such
//     flags). Readers hold it to look up one flag or to copy the sorted
//     list of flags (sortedFlags; a standard flag set sorts its flags on
//     every visit), and read the flags after releasing it.
//  6. entry.commit (RWMutex): held for writing while a change takes effect
//     and is recorded (the value swap, the record); read-locked by readers
//     of one flag's value and record (fillState, valueText), so the two
//     agree. A writer waits for the readers of that flag alone.
//  7. Dyn.setMu: only for a value with notifiers, orders its swaps with
//     the queueing of their notifications.
//
// Leaves: no other lock is taken while holding one of these.
//
//   - Engine.mu: the engine's bookkeeping (declared values, sources,
//     checksum key, changes to the subscribers). Held for map and slice
//     reads and writes only: sorting the declared values happens outside
//     it. An apply of known names does not take it.
//   - Source.heldMu (RWMutex): what a source holds, written under
//     Source.mu and read by the debug page under entry.commit.
//   - Source.stMu: a source's status and histories, and what its timer saw
//     of the batch in progress (batchwait.go): taken at a batch's start
//     and end (under Source.mu) and by that timer's function, which reads
//     the batch's progress from atomics and never waits for the batch.
//   - queue.mu (a notifier's or a subscriber's queue): notifications and events;
//     the functions they deliver to run on their own goroutines, unlocked.
//   - stdFlagSetView.mu: the pflag views of a standard flag set's flags.
//   - updateCounters.mu: orders the making of new update counters (the
//     first update of a flag from a source with a result); counting and
//     reading the counters do not take it.
//   - Runtime.mu, backoff.mu: a Runtime's own bookkeeping.
//
// Lock-free, so that an apply shares no lock with a scrape: the entries of
// the flags by name and the update counters (sync.Maps; the counters are
// also listed in a slice that only grows, which a scrape walks), the
// subscribers and the command-line values (atomic pointers, replaced
// whole), the dynamic checksum's cache, the values of Dyn (Get, String)
// and each flag's record. A reader preempted or descheduled while holding
// even a short lock makes whoever waits for it wait until it runs again,
// which on a busy or idle machine can be milliseconds.
//
// Outside this package: the OpenFeature provider's locks are taken before
// the engine's; the collectors' series cache (monitoring) is a leaf taken
// under no engine lock.
