package configmap

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/flagz-go/flagz/schema"
)

func TestParseFileValues(t *testing.T) {
	syntaxes := map[string]schema.Syntax{"cfg": schema.JSON, "list_json": schema.JSON, "tags": schema.Text}
	flagType := func(name string) schema.Syntax { return syntaxes[name] }
	cases := []struct {
		name, path, content string
		want                map[string]string
	}{
		{"yaml scalars as written", "f.yaml",
			"rate: 0x10\ntimeout: 1.5s\nratio: 0.10\non: true\nquoted: \"  x  \"\nempty:\nnull_: null\n",
			map[string]string{"rate": "0x10", "timeout": "1.5s", "ratio": "0.10", "on": "true", "quoted": "  x  ", "empty": "", "null_": ""}},
		{"yaml list of scalars for a list flag", "f.yml",
			"tags: [a, \"b,c\", ' d', 'e\"f']\n",
			map[string]string{"tags": `a,"b,c"," d","e""f"`}},
		{"yaml list for a json flag", "f.yaml",
			"list_json: [1, two]\n",
			map[string]string{"list_json": `[1,"two"]`}},
		{"yaml mapping as json", "f.yaml",
			"cfg:\n  name: x\n  ports: [80, 443]\n  nested: {deep: true}\n",
			map[string]string{"cfg": `{"name":"x","nested":{"deep":true},"ports":[80,443]}`}},
		{"yaml list of mappings as json", "f.yaml",
			"tags:\n  - {a: 1}\n",
			map[string]string{"tags": `[{"a":1}]`}},
		{"yaml binary", "f.yaml",
			"msg: !!binary CgJ4Cg==\n",
			map[string]string{"msg": "\n\x02x\n"}},
		{"yaml anchors", "f.yaml",
			"a: &v 5\nb: *v\n",
			map[string]string{"a": "5", "b": "5"}},
		{"json values", "f.json",
			`{"rate": 1e3, "name": "x\"y", "on": false, "none": null, "tags": ["a", 1, "b,c"], "cfg": {"k": [1, 2]}, "list_json": ["a"]}`,
			map[string]string{"rate": "1e3", "name": `x"y`, "on": "false", "none": "", "tags": `a,1,"b,c"`,
				"cfg": `{"k":[1,2]}`, "list_json": `["a"]`}},
		{"empty object clears", "f.json", "{}", map[string]string{}},
		{"empty mapping clears", "f.yaml", "{}\n", map[string]string{}},
		{"empty list", "f.yaml", "tags: []\n", map[string]string{"tags": ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseFile(c.path, []byte(c.content), flagType)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, c.want) {
				t.Fatalf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestParseFileErrors(t *testing.T) {
	none := func(string) schema.Syntax { return schema.Text }
	cases := []struct{ name, path, content, wantErr string }{
		{"empty", "f.yaml", " \n\t\n", ErrEmptyFile.Error()},
		{"comments only", "f.yaml", "# nothing\n", ErrEmptyFile.Error()},
		{"yaml syntax", "f.yaml", "a: [1\n", "parse YAML"},
		{"yaml top level list", "f.yaml", "- a\n", "top level must map"},
		{"yaml duplicate", "f.yaml", "a: 1\na: 2\n", `flag "a" given twice`},
		{"yaml non-string keys", "f.yaml", "cfg: {1: x, [a]: y}\n", `flag "cfg"`},
		{"json truncated", "f.json", `{"a": "1`, "parse JSON"},
		{"json top level list", "f.json", `["a"]`, "parse JSON"},
		{"json null", "f.json", `null`, "top level must be an object"},
		{"json trailing data", "f.json", `{"a": 1} {"b": 2}`, "parse JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseFile(c.path, []byte(c.content), none)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("got %q, %v; want an error containing %q", got, err, c.wantErr)
			}
			if c.wantErr == ErrEmptyFile.Error() && !errors.Is(err, ErrEmptyFile) {
				t.Fatalf("error %v is not ErrEmptyFile", err)
			}
		})
	}
}
