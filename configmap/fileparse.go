package configmap

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/flagz-go/flagz"
	"github.com/flagz-go/flagz/source"
	"go.yaml.in/yaml/v3"
)

// ErrEmptyFile is the reason a file source gives for ignoring an empty file:
// it is taken for a write in progress. Write "{}" to remove every name.
var ErrEmptyFile = errors.New("file is empty (a write in progress?); nothing applied; write {} to clear every flag")

// parseFile turns a YAML or JSON document into flag texts; see NewFile.
//
// Its errors name the line and the flag, never a value: the YAML and JSON
// libraries' own texts are passed on only when they quote nothing of the
// input (see problemText), so a secret in a malformed file stays out of
// the error, the log and the debug page.
func parseFile(path string, content []byte, syntax func(string) flagz.Syntax) (map[string]string, error) {
	if len(bytes.TrimSpace(content)) == 0 {
		return nil, ErrEmptyFile
	}
	if strings.EqualFold(filepath.Ext(path), ".json") {
		return parseJSON(content, syntax)
	}
	return parseYAML(content, syntax)
}

func parseYAML(content []byte, syntax func(string) flagz.Syntax) (map[string]string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(content, &doc); err != nil {
		return nil, fmt.Errorf("parse YAML: %s", yamlSyntaxProblem(err))
	}
	if len(doc.Content) == 0 {
		return nil, ErrEmptyFile // comments only
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("parse YAML: line %d: the top level must map flag names to values", root.Line)
	}
	budget := newExpansion(len(content))
	values := make(map[string]string, len(root.Content)/2)
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := deref(root.Content[i]), deref(root.Content[i+1])
		if key.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("parse YAML: line %d: a flag name must be a scalar", key.Line)
		}
		if _, dup := values[key.Value]; dup {
			return nil, fmt.Errorf("parse YAML: line %d: flag %q given twice", key.Line, key.Value)
		}
		if err := budget.spend(root.Content[i+1]); err != nil {
			return nil, fmt.Errorf("parse YAML: line %d: flag %q: %w", key.Line, key.Value, err)
		}
		text, err := yamlText(value, syntax(key.Value).IsJSON())
		if err != nil {
			return nil, fmt.Errorf("parse YAML: line %d: flag %q: %w", key.Line, key.Value, err)
		}
		values[key.Value] = text
	}
	return values, nil
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func yamlText(n *yaml.Node, listAsJSON bool) (string, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "", nil
		case "!!binary":
			var b string // yaml decodes !!binary into a string of the bytes
			if err := n.Decode(&b); err != nil {
				return "", errors.New("a !!binary value that is not base64")
			}
			return b, nil
		}
		return n.Value, nil
	case yaml.SequenceNode:
		if !listAsJSON {
			items := make([]string, 0, len(n.Content))
			for _, item := range n.Content {
				item = deref(item)
				if item.Kind != yaml.ScalarNode {
					return yamlJSON(n)
				}
				text, err := yamlText(item, false)
				if err != nil {
					return "", err
				}
				items = append(items, text)
			}
			return source.FormatList(items), nil
		}
	}
	return yamlJSON(n)
}

// yamlJSON encodes a YAML node as compact JSON. Its errors quote nothing
// of the node: yaml's own ("cannot decode !!str `s3cr3t` as a !!int") are
// replaced by the line of the offending value and what is wrong with it.
func yamlJSON(n *yaml.Node) (string, error) {
	var v any
	if err := n.Decode(&v); err != nil {
		return "", undecodable(n)
	}
	v, err := jsonable(v)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", errors.New("a number JSON cannot hold (NaN or infinity)")
	}
	return string(b), nil
}

// undecodable says why yaml could not decode n, naming the line of the
// first value inside it that does not decode, never the value.
func undecodable(n *yaml.Node) error {
	seen := map[*yaml.Node]bool{}
	var find func(*yaml.Node) error
	find = func(n *yaml.Node) error {
		if seen[n] {
			if n.Kind != yaml.ScalarNode {
				return fmt.Errorf("the alias on line %d refers to a node that contains it", n.Line)
			}
			return nil
		}
		seen[n] = true
		defer func() {
			if n.Kind != yaml.ScalarNode {
				delete(seen, n) // only nodes being walked make a cycle
			}
		}()
		switch n.Kind {
		case yaml.AliasNode:
			if n.Alias != nil {
				return find(n.Alias)
			}
		case yaml.ScalarNode:
			var v any
			if n.Decode(&v) != nil {
				return fmt.Errorf("%s, on line %d", tagProblem(n.Tag), n.Line)
			}
		case yaml.MappingNode:
			for i, c := range n.Content {
				if i%2 == 0 && deref(c).Kind != yaml.ScalarNode {
					return fmt.Errorf("a mapping key that is a list or a mapping, on line %d", c.Line)
				}
			}
		}
		for _, c := range n.Content {
			if err := find(c); err != nil {
				return err
			}
		}
		return nil
	}
	if err := find(n); err != nil {
		return err
	}
	return errors.New("a value YAML cannot decode")
}

// tagProblem says what is wrong with a scalar that does not decode.
func tagProblem(tag string) string {
	switch tag {
	case "!!binary":
		return "a !!binary value that is not base64"
	case "!!int", "!!float", "!!bool", "!!null", "!!timestamp", "!!str":
		return "a value tagged " + tag + " whose text is not one"
	}
	return "a value whose tag does not fit its text"
}

// jsonable turns what YAML decodes into something encoding/json takes: maps
// must have string keys.
func jsonable(v any) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		for k, item := range v {
			j, err := jsonable(item)
			if err != nil {
				return nil, err
			}
			v[k] = j
		}
		return v, nil
	case map[any]any:
		return nil, errors.New("mapping keys must be strings")
	case []any:
		for i, item := range v {
			j, err := jsonable(item)
			if err != nil {
				return nil, err
			}
			v[i] = j
		}
		return v, nil
	}
	return v, nil
}

// parseJSON reads the top-level object one member at a time, so that an
// error names the flag and the line.
func parseJSON(content []byte, syntax func(string) flagz.Syntax) (map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(content))
	at := func(flag string, err error) error {
		line := 1 + bytes.Count(content[:min(int(jsonErrorOffset(dec, err)), len(content))], []byte("\n"))
		if flag != "" {
			return fmt.Errorf("parse JSON: line %d: flag %q: %s", line, flag, jsonProblem(err))
		}
		return fmt.Errorf("parse JSON: line %d: %s", line, jsonProblem(err))
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, at("", err)
	}
	if tok != json.Delim('{') {
		return nil, errors.New("parse JSON: the top level must be an object mapping flag names to values")
	}
	values := map[string]string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, at("", err)
		}
		name, _ := tok.(string) // More and Token make it a string inside an object
		var msg json.RawMessage
		if err := dec.Decode(&msg); err != nil {
			return nil, at(name, err)
		}
		values[name] = jsonText(msg, syntax(name).IsJSON()) // the last of a name given twice wins
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, at("", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("parse JSON: line %d: text after the top-level object",
			1+bytes.Count(content[:dec.InputOffset()], []byte("\n")))
	}
	return values, nil
}

// jsonErrorOffset is where the decoder stopped on err.
func jsonErrorOffset(dec *json.Decoder, err error) int64 {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return se.Offset
	}
	return dec.InputOffset()
}

// jsonProblem says what is wrong with a JSON document without quoting it.
func jsonProblem(err error) string {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "the document ends too early"
	}
	if text := problemText(err.Error()); text != "" {
		return text
	}
	return "not valid JSON"
}

// jsonText gives the flag text of one valid JSON value.
func jsonText(msg json.RawMessage, listAsJSON bool) string {
	msg = bytes.TrimSpace(msg)
	switch msg[0] {
	case '"':
		var s string
		_ = json.Unmarshal(msg, &s) // valid: the decoder read it
		return s
	case 'n':
		return ""
	case '[':
		if !listAsJSON {
			var items []json.RawMessage
			_ = json.Unmarshal(msg, &items)
			texts := make([]string, 0, len(items))
			for _, item := range items {
				if c := bytes.TrimSpace(item)[0]; c == '[' || c == '{' {
					return compactJSON(msg)
				}
				texts = append(texts, jsonText(item, false))
			}
			return source.FormatList(texts)
		}
		return compactJSON(msg)
	case '{':
		return compactJSON(msg)
	}
	return string(msg) // a number, true or false, as written
}

func compactJSON(msg json.RawMessage) string {
	var b bytes.Buffer
	_ = json.Compact(&b, msg) // valid: the decoder read it
	return b.String()
}

// yamlSyntaxProblem gives the line and the problem of an error of
// yaml.Unmarshal, or a text of its own where yaml's quotes the input (the
// name of an unknown anchor, say).
func yamlSyntaxProblem(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	where := ""
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		where, msg = m[1], msg[len(m[0]):]
	}
	switch text := problemText(msg); {
	case text != "":
		return where + text
	case strings.HasPrefix(msg, "unknown anchor"):
		return where + "an alias refers to an anchor not defined before it"
	}
	return where + "not valid YAML"
}

var yamlLine = regexp.MustCompile(`^(line \d+: )`)

// problemText returns a parser's error text when it is made of words and
// quoted punctuation only, as YAML's and JSON's syntax errors are ("did not
// find expected ',' or ']'"), and "" when it quotes anything else: a
// character, a word or a scalar of the input.
func problemText(msg string) string {
	if safeProblem.MatchString(msg) {
		return strings.TrimPrefix(msg, "json: ")
	}
	return ""
}

var safeProblem = regexp.MustCompile(`^(?:[a-zA-Z0-9 %<>:-]|'[^\sa-zA-Z0-9\\']')+$`)
