package flagz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/flagz-go/flagz/schema"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// DynProtoValue is a dynamic flag holding a protocol buffer message of type M.
type DynProtoValue[M proto.Message] = Dyn[M]

// DynProto declares a dynamic flag holding a message of the type of value
// (a pointer such as *mypb.Config). Input is protojson (anything starting
// with "{"; unknown field names are an error, so typos are caught) or the
// binary wire format (unknown fields, written by a newer schema, are
// dropped); String is compact protojson, the same in every process. Get returns a shared message that must not be
// modified. The default is cloned, never aliased.
func DynProto[M proto.Message, F FlagSet](fs F, name string, value M, usage string) *DynProtoValue[M] {
	c := &codec[M]{
		typeName: "dyn_proto",
		syntax:   schema.Proto,
		parse: func(s string) (M, error) {
			m := value.ProtoReflect().New().Interface().(M)
			var err error
			if strings.HasPrefix(strings.TrimSpace(s), "{") {
				err = protojson.Unmarshal([]byte(s), m)
			} else if err = (proto.UnmarshalOptions{DiscardUnknown: true}).Unmarshal([]byte(s), m); err == nil {
				// Accept only what String can print, so Set(String()) holds.
				_, err = protojson.Marshal(m)
			}
			return m, err
		},
		format: formatProto[M],
		equal:  func(a, b M) bool { return proto.Equal(a, b) },
		clone:  func(m M) M { return proto.Clone(m).(M) },
	}
	return newDyn(fs, name, value, usage, c)
}

// formatProto writes m as protojson with the white space protojson
// randomises removed, so the text is the same in every process.
func formatProto[M proto.Message](m M) string {
	out, err := protojson.Marshal(m)
	if err != nil {
		return fmt.Sprintf("!(protojson: %v)", err)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, out); err != nil {
		return string(out)
	}
	return b.String()
}
