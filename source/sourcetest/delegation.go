package sourcetest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lifecycle are the methods every source has, which are its
// source.Runtime's.
var lifecycle = []string{"Initialize", "Start", "Stop", "Run", "Status"}

// CheckDelegation checks that the type called typeName, declared in the
// package whose files are in dir (a source's own tests pass "."), declares
// each lifecycle method (Initialize, Start, Stop, Run, Status) as one
// statement that calls the method of the same name on one of its fields,
// with its own arguments, and does nothing else. The lifecycle is then the
// source.Runtime's alone: a source that adds to it (work around Start, a
// mutex of its own around Stop) fails, and go doc lists every method. A
// source that embeds a *source.Runtime instead declares none of them and
// needs no such check.
func CheckDelegation(t testing.TB, dir, typeName string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	found := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !isLifecycle(fn.Name.Name) || receiverType(fn) != typeName {
				continue
			}
			found[fn.Name.Name] = true
			if why := delegates(fn); why != "" {
				t.Errorf("%s: %s.%s %s: a source's lifecycle method only calls its runtime's", fset.Position(fn.Pos()), typeName, fn.Name.Name, why)
			}
		}
	}
	for _, m := range lifecycle {
		if !found[m] {
			t.Errorf("%s in %s declares no %s method: go doc would not list the runtime's", typeName, dir, m)
		}
	}
}

func isLifecycle(name string) bool {
	for _, m := range lifecycle {
		if m == name {
			return true
		}
	}
	return false
}

// receiverType is the name of the type of fn's receiver.
func receiverType(fn *ast.FuncDecl) string {
	typ := fn.Recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	if id, ok := typ.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// delegates says why fn is not one call of the method of its name on a
// field of its receiver, with its parameters in order ("" when it is).
func delegates(fn *ast.FuncDecl) string {
	if fn.Body == nil || len(fn.Body.List) != 1 {
		return "is more than one statement"
	}
	var call ast.Expr
	switch s := fn.Body.List[0].(type) {
	case *ast.ReturnStmt:
		if len(s.Results) == 1 {
			call = s.Results[0]
		}
	case *ast.ExprStmt:
		call = s.X
	}
	c, ok := call.(*ast.CallExpr)
	if !ok {
		return "is not a call"
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != fn.Name.Name {
		return "calls another method"
	}
	field, ok := sel.X.(*ast.SelectorExpr)
	if !ok {
		return "calls no field's method"
	}
	recv, ok := field.X.(*ast.Ident)
	if names := fn.Recv.List[0].Names; !ok || len(names) != 1 || recv.Name != names[0].Name {
		return "calls another value's method"
	}
	var params []string
	for _, p := range fn.Type.Params.List {
		for _, n := range p.Names {
			params = append(params, n.Name)
		}
	}
	if len(c.Args) != len(params) || c.Ellipsis.IsValid() {
		return "passes other arguments"
	}
	for i, a := range c.Args {
		if id, ok := a.(*ast.Ident); !ok || id.Name != params[i] {
			return "passes other arguments"
		}
	}
	return ""
}
