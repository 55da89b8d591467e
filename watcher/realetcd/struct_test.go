package realetcd_test

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
	"github.com/flagz-go/flagz/watcher/etcdtest"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// five is a struct of five fields that always agree: B = A+1 … E = A+4.
type five struct{ A, B, C, D, E int64 }

func (f five) consistent() bool {
	return f.B == f.A+1 && f.C == f.A+2 && f.D == f.A+3 && f.E == f.A+4
}

var errInconsistent = errors.New("the fields do not agree")

func newFiveFlags() (*pflag.FlagSet, *flagz.DynStructValue[five]) {
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	s := flagz.DynStruct(fs, "five", five{0, 1, 2, 3, 4}, "").WithValidator(func(f five) error {
		if !f.consistent() {
			return errInconsistent
		}
		return nil
	})
	return fs, s
}

// putFive writes the five fields for n in one transaction.
func putFive(t *testing.T, cli *clientv3.Client, n int64, offsets [5]int64) int64 {
	t.Helper()
	var ops []clientv3.Op
	for i, name := range []string{"a", "b", "c", "d", "e"} {
		ops = append(ops, clientv3.OpPut(prefix+"/five."+name, strconv.FormatInt(n+offsets[i], 10)))
	}
	resp, err := cli.Txn(ctxT(t)).Then(ops...).Commit()
	if err != nil {
		t.Fatalf("transaction %d: %v", n, err)
	}
	return resp.Header.Revision
}

// A struct of five fields changed together in one etcd transaction is
// never observed half-applied by readers hammering Get, over 10,000
// transactions.
func TestStructTransactionsNeverHalfApplied(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	fs, s := newFiveFlags()
	w, _ := startWatcher(t, fs, cli, fastOptions()...)

	var stop atomic.Bool
	var reads, bad atomic.Int64
	var readers sync.WaitGroup
	readers.Go(func() {
		for !stop.Load() {
			for range 100 {
				if v := s.Get(); !v.consistent() {
					bad.Add(1)
				}
			}
			reads.Add(100)
			// A reader that never sleeps takes a core of two, and slows
			// etcd and the watcher five times over.
			time.Sleep(time.Microsecond)
		}
	})
	writer := srv.Client(t)
	const transactions = 10_000
	for n := int64(1); n <= transactions; n++ {
		putFive(t, writer, n*10, [5]int64{0, 1, 2, 3, 4})
	}
	eventually(t, "the last transaction applied", func() bool { return s.Get().A == transactions*10 })
	stop.Store(true)
	readers.Wait()
	if n := bad.Load(); n > 0 {
		t.Errorf("%d of %d reads saw a half-applied struct", n, reads.Load())
	}
	if st := w.Status(); st.Rejected != 0 || st.Applied < transactions*5/2 {
		t.Errorf("status: %d applied, %d rejected", st.Applied, st.Rejected)
	}
}

// A transaction the struct's validator refuses leaves every field as it
// was, reports each field rejected with the reason, and is rolled back in
// etcd key by key, as any refused value.
func TestRefusedStructRolledBack(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	fs, s := newFiveFlags()
	w, _ := startWatcher(t, fs, cli, fastOptions()...)

	putFive(t, cli, 100, [5]int64{0, 1, 2, 3, 4})
	eventually(t, "the first transaction applied", func() bool { return s.Get().A == 100 })
	putFive(t, cli, 200, [5]int64{0, 1, 2, 3, 5}) // E off by one: refused
	eventually(t, "every field rolled back in etcd", func() bool {
		for i, name := range []string{"a", "b", "c", "d", "e"} {
			if v, _ := get(t, cli, "five."+name); v != strconv.Itoa(100+i) {
				return false
			}
		}
		return true
	})
	syncedPast(t, cli, w)
	if got := s.Get(); got != (five{100, 101, 102, 103, 104}) {
		t.Errorf("struct %+v, want the last good one", got)
	}
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		st, _ := flagz.EngineFor(fs).Flag("five." + name)
		if st.LastRejection == nil || st.LastRejection.Result != record.Rejected ||
			st.LastRejection.Reason != fmt.Sprintf("struct %q: %v", "five", errInconsistent) {
			t.Errorf("five.%s: last rejection %+v", name, st.LastRejection)
		}
	}
}
