package debug_test

import (
	"fmt"
	"strings"

	"golang.org/x/net/html"
)

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func findElement(root *html.Node, match func(*html.Node) bool) *html.Node {
	if root == nil {
		return nil
	}
	for n := range root.Descendants() {
		if n.Type == html.ElementNode && match(n) {
			return n
		}
	}
	return nil
}

// textOf joins the text nodes under n.
func textOf(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

func hex16(v uint64) string { return fmt.Sprintf("%016x", v) }

// valuePre is the <pre> holding the current value in a flag's row.
func valuePre(row *html.Node) *html.Node {
	cell := findElement(row, func(n *html.Node) bool { return n.Data == "td" && attr(n, "class") == "value" })
	return findElement(cell, func(n *html.Node) bool { return n.Data == "pre" })
}
