package configmap

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flagz-go/flagz/schema"
)

// FuzzParseFile checks the file parser on any document, YAML or JSON: it
// never panics; what it accepts is bounded by the alias-expansion limit
// (each byte measured may grow to at most a few once quoted or escaped);
// and a flag of JSON syntax (here, a name starting with "j") that gets a
// mapping or a list gets valid JSON.
func FuzzParseFile(f *testing.F) {
	for _, seed := range []string{
		"rate: 0x10\ntimeout: 1.5s\nempty:\n",
		"tags: [a, \"b,c\", ' d']\njcfg: {name: x, ports: [80, 443]}\n",
		"a: &v 5\nb: *v\nl: [*v, *v]\n",
		"s: &s xxxxxxxxxxxxxxxx\nl: &l [*s, *s, *s, *s]\nm: &m [*l, *l, *l, *l]\nj: [*m, *m, *m, *m]\n",
		"a: &x [1, *x]\n",
		"creds: {password: !!int secret}\nmsg: !!binary CgJ4Cg==\n",
		"jm: {<<: {x: 1}, y: .nan}\n",
		`{"rate": 1e3, "name": "x\"y", "tags": ["a", 1], "jcfg": {"k": [1, 2]}}`,
		`{"a": 1} {"b": 2}`,
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	syntax := func(name string) schema.Syntax {
		if strings.HasPrefix(name, "j") {
			return schema.JSON
		}
		return schema.Text
	}
	f.Fuzz(func(t *testing.T, content string, asJSON bool) {
		path := "flags.yaml"
		if asJSON {
			path = "flags.json"
		}
		values, err := parseFile(path, []byte(content), syntax)
		if err != nil {
			return
		}
		total := 0
		for name, value := range values {
			total += len(value)
			if syntax(name).IsJSON() && value != "" && strings.ContainsAny(value[:1], "[{") && !json.Valid([]byte(value)) {
				t.Errorf("flag %q: %q is not JSON", name, value)
			}
		}
		if limit := 8 * max(minExpansion, expansionFactor*len(content)); total > limit {
			t.Errorf("a %d-byte document gave %d bytes of values, above %d", len(content), total, limit)
		}
	})
}
