package configmap

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/flagz-go/flagz"
	"go.yaml.in/yaml/v3"
)

// ErrEmptyFile is the reason a file source gives for ignoring an empty file:
// it is taken for a write in progress. Write "{}" to remove every name.
var ErrEmptyFile = errors.New("file is empty (a write in progress?); nothing applied; write {} to clear every flag")

// parseFile turns a YAML or JSON document into flag texts; see NewFile.
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
		return nil, fmt.Errorf("parse YAML: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil, ErrEmptyFile // comments only
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("parse YAML: line %d: the top level must map flag names to values", root.Line)
	}
	values := make(map[string]string, len(root.Content)/2)
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := deref(root.Content[i]), deref(root.Content[i+1])
		if key.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("parse YAML: line %d: a flag name must be a scalar", key.Line)
		}
		if _, dup := values[key.Value]; dup {
			return nil, fmt.Errorf("parse YAML: line %d: flag %q given twice", key.Line, key.Value)
		}
		text, err := yamlText(value, syntax(key.Value).IsJSON())
		if err != nil {
			return nil, fmt.Errorf("parse YAML: line %d: flag %q: %w", value.Line, key.Value, err)
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
			err := n.Decode(&b)
			return b, err
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
			return flagz.FormatList(items), nil
		}
	}
	return yamlJSON(n)
}

// yamlJSON encodes a YAML node as compact JSON.
func yamlJSON(n *yaml.Node) (string, error) {
	var v any
	if err := n.Decode(&v); err != nil {
		return "", err
	}
	v, err := jsonable(v)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
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

func parseJSON(content []byte, syntax func(string) flagz.Syntax) (map[string]string, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(content, &raw); err != nil {
		return nil, fmt.Errorf("parse JSON: %w", err)
	}
	if raw == nil {
		return nil, errors.New("parse JSON: the top level must be an object mapping flag names to values")
	}
	values := make(map[string]string, len(raw))
	for name, msg := range raw {
		text, err := jsonText(msg, syntax(name).IsJSON())
		if err != nil {
			return nil, fmt.Errorf("parse JSON: flag %q: %w", name, err)
		}
		values[name] = text
	}
	return values, nil
}

func jsonText(msg json.RawMessage, listAsJSON bool) (string, error) {
	msg = bytes.TrimSpace(msg)
	switch msg[0] {
	case '"':
		var s string
		err := json.Unmarshal(msg, &s)
		return s, err
	case 'n':
		return "", nil
	case '[':
		if !listAsJSON {
			var items []json.RawMessage
			if err := json.Unmarshal(msg, &items); err != nil {
				return "", err
			}
			texts := make([]string, 0, len(items))
			for _, item := range items {
				if c := bytes.TrimSpace(item)[0]; c == '[' || c == '{' {
					return compactJSON(msg)
				}
				text, err := jsonText(item, false)
				if err != nil {
					return "", err
				}
				texts = append(texts, text)
			}
			return flagz.FormatList(texts), nil
		}
		return compactJSON(msg)
	case '{':
		return compactJSON(msg)
	}
	return string(msg), nil // a number, true or false, as written
}

func compactJSON(msg json.RawMessage) (string, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, msg); err != nil {
		return "", err
	}
	return b.String(), nil
}
