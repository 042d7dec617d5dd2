package decode_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Every problem this package can report, not only those TestBadInput can
// make a file for, is worded Japanese, " / ", then English, in its text
// and in its advice (issue 15, point 9: they were English only). The
// source is read for every newProblem call; a message built in a way this
// test cannot follow fails it, so none slips past.
func TestMessagesBilingual(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var parsed []*ast.File
	consts := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, af)
		ast.Inspect(af, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok {
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							consts[name.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
			return true
		})
	}
	// text renders a message argument with its variable parts as "…".
	var text func(e ast.Expr) (string, bool)
	text = func(e ast.Expr) (string, bool) {
		switch e := e.(type) {
		case *ast.BasicLit:
			s, err := strconv.Unquote(e.Value)
			return s, err == nil
		case *ast.Ident:
			s, ok := consts[e.Name]
			if !ok {
				return "…", true // a variable spliced into a literal
			}
			return s, true
		case *ast.BinaryExpr:
			x, ok1 := text(e.X)
			y, ok2 := text(e.Y)
			return x + y, ok1 && ok2
		case *ast.CallExpr:
			if sel, ok := e.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" && len(e.Args) > 0 {
				return text(e.Args[0])
			}
		}
		return "", false
	}
	calls := 0
	for _, af := range parsed {
		ast.Inspect(af, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "newProblem" || len(call.Args) != 4 {
				return true
			}
			calls++
			for _, arg := range call.Args[2:] {
				at := fset.Position(arg.Pos())
				s, ok := text(arg)
				if !ok {
					t.Errorf("%s: a message this test cannot read: write it as a literal, a constant or fmt.Sprintf of one", at)
					continue
				}
				ja, en, found := strings.Cut(s, " / ")
				switch {
				case !found:
					t.Errorf("%s: %q is not \"Japanese / English\"", at, s)
				case !hasJapanese(ja):
					t.Errorf("%s: %q has no Japanese before \" / \"", at, s)
				case hasJapanese(en):
					t.Errorf("%s: %q has Japanese after \" / \"", at, s)
				}
			}
			return true
		})
	}
	t.Logf("%d problems, %d string constants", calls, len(consts))
	if calls < 40 {
		t.Errorf("found only %d newProblem calls: the scan of the source is broken", calls)
	}
}
