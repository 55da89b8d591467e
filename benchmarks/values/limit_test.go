package values

import (
	"runtime"
	"strings"
	"testing"

	"github.com/flagz-go/flagz"
	"github.com/spf13/pflag"
	"google.golang.org/protobuf/types/known/structpb"
)

// repeatTo repeats unit between head and tail to make a text of at most n
// bytes.
func repeatTo(n int, head, unit, sep, tail string) string {
	count := (n - len(head) - len(tail) + len(sep)) / (len(unit) + len(sep))
	return head + strings.Repeat(unit+sep, count-1) + unit + tail
}

// protoList is a binary google.protobuf.Struct of at most n bytes: one field
// whose value is a list of as many elements (each a Value of elem's wire
// bytes) as fit, the shape that costs the most heap per byte.
func protoList(n int, elem string) string {
	// Struct.fields entry: tag 0x0a, varint length; key "" omitted; value
	// (field 2, 0x12) a Value whose list_value (field 6, 0x32) holds
	// ListValue.values (field 1, 0x0a) repeated.
	one := "\x0a" + string(rune(len(elem))) + elem
	count := (n - 16) / len(one)
	list := strings.Repeat(one, count)
	value := "\x32" + varint(len(list)) + list
	entry := "\x12" + varint(len(value)) + value
	return "\x0a" + varint(len(entry)) + entry
}

func varint(n int) string {
	var b []byte
	for n >= 0x80 {
		b = append(b, byte(n)|0x80)
		n >>= 7
	}
	return string(append(b, byte(n)))
}

// BenchmarkMaxSizeValue parses the costliest values of the default size
// limit (flagz.DefaultMaxValueSize) for JSON and protobuf flags, and one
// just over it. B/op is what one Set allocates (its parse); MB-held is the
// heap the value keeps once set (0 for a refused one). Each iteration
// first sets a tiny value, so that every Set changes the value.
func BenchmarkMaxSizeValue(b *testing.B) {
	fs := pflag.NewFlagSet("limits", pflag.ContinueOnError)
	limit := flagz.DefaultMaxValueSize
	anyJSON := flagz.DynJSONOf[any](fs, "any", nil, "")
	mapsJSON := flagz.DynJSON(fs, "maps", &[]map[string]int{}, "")
	msg := flagz.DynProto(fs, "msg", &structpb.Struct{}, "")

	cases := []struct {
		name    string
		set     func(string) error
		value   string
		refused bool
	}{
		{"json-any/[{},…]", anyJSON.Set, repeatTo(limit, "[", "{}", ",", "]"), false},
		{"json-maps/[{},…]", mapsJSON.Set, repeatTo(limit, "[", "{}", ",", "]"), false},
		{"proto-json/{\"a\":[null,…]}", msg.Set, repeatTo(limit, `{"a":[`, "null", ",", "]}"), false},
		{"proto-binary/list-of-null", msg.Set, protoList(limit, "\x08\x00"), false},
		{"proto-binary/list-of-empty", msg.Set, protoList(limit, ""), true},
		{"json-any/over-limit", anyJSON.Set, repeatTo(limit+3, "[", "{}", ",", "]"), true},
	}
	for _, c := range cases {
		if len(c.value) > limit != strings.HasSuffix(c.name, "over-limit") {
			b.Fatalf("%s: %d bytes", c.name, len(c.value))
		}
		b.Run(c.name, func(b *testing.B) {
			reset := func() { _ = c.set("[]"); _ = c.set("{}") }
			reset()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			refused := c.set(c.value) != nil // the error is dropped before measuring
			runtime.GC()
			runtime.ReadMemStats(&after)
			if refused != c.refused {
				b.Fatalf("Set refused: %v, want %v", refused, c.refused)
			}
			held := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / 1e6
			b.SetBytes(int64(len(c.value)))
			b.ReportAllocs()
			for b.Loop() {
				reset()
				_ = c.set(c.value)
			}
			b.ReportMetric(max(held, 0), "MB-held")
		})
	}
}
