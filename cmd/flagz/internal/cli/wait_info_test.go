package cli

import (
	"io"
	"testing"

	"github.com/flagz-go/flagz/watcher/presence"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// A status the watch delivers carries no schema: --wait joins it with the
// info it knows for the process, or reads the process's info key (a
// process that started during the wait), so that the process is judged by
// the flags it declares.
func TestWaitJoinsStatusWithInfo(t *testing.T) {
	srv, cli := etcd(t)
	eps := []string{srv.Endpoint()}
	startProcess(t, eps, processOptions{})
	waitProcesses(t, eps, 1)
	resp, err := cli.Get(t.Context(), presence.Prefix(testPrefix), clientv3.WithPrefix())
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("status keys: %v, %v", resp, err)
	}
	status, err := presence.Decode(resp.Kvs[0].Value)
	if err != nil || status.Flags != nil {
		t.Fatalf("status = %+v, %v; want one without the schema", status, err)
	}
	s := &session{g: &globals{prefix: testPrefix}, stdout: io.Discard, stderr: io.Discard, client: cli}
	joined := s.withInfo(t.Context(), status, presence.Record{}, false, resp.Kvs[0].ModRevision)
	if _, ok := joined.Flag("rate"); !ok || joined.Host == "" || joined.Values["workers"] != "4" {
		t.Errorf("joined from the info key: %+v", joined)
	}
	again := status
	again.Revision++
	if got := s.withInfo(t.Context(), again, joined, true, 1); len(got.Flags) != len(joined.Flags) || got.Revision != again.Revision {
		t.Errorf("joined with the known info: %+v", got)
	}
}
