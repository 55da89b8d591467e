package debug_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/record"
)

// The page shows who made a flag's last change and why, when its source
// knows (the etcd source: the flagz command's --author and --reason), in
// HTML and JSON; a sensitive flag's comment is redacted.
func TestPageShowsTheLastChangesAuthor(t *testing.T) {
	f := newFixture(t)
	token := flagz.DynString(f.fs, "token", "", "an API key").WithSensitive()
	_ = token
	src := f.source("etcd:/svc")
	src.Attribute(7, map[string]record.Attribution{
		"rate":  {Author: "alice@ops", Comment: "black friday <b>traffic</b>"},
		"token": {Author: "bob", Comment: "rotate sk-123"},
	})
	src.Update(7, map[string]string{"rate": "500", "token": "sk-123"})

	p := getPage(t, f, "")
	if c := flagOf(t, p, "rate").LastChange; c == nil || c.Author != "alice@ops" || c.Comment != "black friday <b>traffic</b>" {
		t.Errorf("JSON last change of rate = %+v", c)
	}
	if c := flagOf(t, p, "token").LastChange; c == nil || c.Author != "bob" || c.Comment != flagz.Redacted {
		t.Errorf("JSON last change of a sensitive flag = %+v", c)
	}
	code, _, body := get(t, f.url("/debug/flagz"), "Accept", "text/html")
	if code != http.StatusOK || !strings.Contains(body, "alice@ops") || !strings.Contains(body, "black friday &lt;b&gt;traffic&lt;/b&gt;") {
		t.Errorf("the HTML page does not show the author and the (escaped) comment:\n%s", body)
	}
	if strings.Contains(body, "sk-123") {
		t.Error("the HTML page shows a sensitive flag's comment")
	}
}
