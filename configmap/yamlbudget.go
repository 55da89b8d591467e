package configmap

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Bounds of the text a YAML document's aliases may expand to: the larger
// of minExpansion bytes and expansionFactor times the document's size.
// yaml's own guard against alias bombs runs only inside Decode, and the
// file source expands aliases itself (a list of aliases to one long scalar
// becomes a long list value), so it measures first: a 40 KB document must
// not become a 100 MB value in every process watching it.
const (
	minExpansion    = 64 << 10
	expansionFactor = 10
)

// expansion measures the text a document expands to, aliases followed,
// against its limit. Each node's size is measured once, so a document of
// nested aliases costs time in proportion to its nodes, not to what they
// expand to.
type expansion struct {
	limit, spent int64
	sizes        map[*yaml.Node]int64 // expanded size of each node measured
	open         map[*yaml.Node]bool  // nodes being measured: an alias to one is a cycle
}

func newExpansion(docSize int) *expansion {
	return &expansion{limit: max(minExpansion, expansionFactor*int64(docSize)),
		sizes: map[*yaml.Node]int64{}, open: map[*yaml.Node]bool{}}
}

// spend adds the expanded size of n to what the document has spent, and
// fails once that passes the limit.
func (x *expansion) spend(n *yaml.Node) error {
	size, err := x.size(n)
	if err != nil {
		return err
	}
	x.spent = min(x.spent+size, x.limit+1)
	if x.spent > x.limit {
		return fmt.Errorf("aliases expand the document beyond %d bytes (the larger of %d KiB and %d times its size); "+
			"nothing applied", x.limit, minExpansion>>10, expansionFactor)
	}
	return nil
}

// size returns the expanded size of n, capped just above the limit: a
// scalar's length plus one, a collection's items plus one.
func (x *expansion) size(n *yaml.Node) (int64, error) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if s, ok := x.sizes[n]; ok {
		return s, nil
	}
	if x.open[n] {
		return 0, fmt.Errorf("the alias on line %d refers to a node that contains it", n.Line)
	}
	x.open[n] = true
	defer delete(x.open, n)
	total := int64(len(n.Value)) + 1
	for _, c := range n.Content {
		s, err := x.size(c)
		if err != nil {
			return 0, err
		}
		total = min(total+s, x.limit+1)
	}
	x.sizes[n] = total
	return total, nil
}
