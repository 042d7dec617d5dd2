package forms_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Issue codes are a contract (docs/records.md): tools and the review UI key
// on them. Every code the program can emit is a named constant (Code…,
// code… or text's Why…), and this test holds the constants and the table
// in docs/records.md to each other in both directions, so a new code cannot
// ship undocumented and a removed one cannot linger in the docs.
func TestIssueCodesDocumented(t *testing.T) {
	inCode := issueCodeConstants(t, "..")
	if len(inCode) < 30 {
		t.Fatalf("found only %d issue code constants: the scan is broken", len(inCode))
	}
	doc, err := os.ReadFile("../docs/records.md")
	if err != nil {
		t.Fatal(err)
	}
	inDoc := map[string]bool{}
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9_]+)`(?:, `([a-z0-9_]+)`)*(?:, `([a-z0-9_]+)`)* \\|")
	cell := regexp.MustCompile("`([a-z0-9_]+)`")
	for _, m := range row.FindAllString(string(doc), -1) {
		first := strings.SplitN(m, "|", 3)[1]
		for _, c := range cell.FindAllStringSubmatch(first, -1) {
			inDoc[c[1]] = true
		}
	}
	t.Logf("%d issue codes in the code, %d entries in docs/records.md", len(inCode), len(inDoc))
	for code, where := range inCode {
		if !inDoc[code] {
			t.Errorf("issue code %q (%s) is not in docs/records.md's tables", code, where)
		}
	}
	for code := range inDoc {
		if _, ok := inCode[code]; !ok && !notIssueCodes[code] {
			t.Errorf("docs/records.md lists %q, which no constant in the code defines", code)
		}
	}
}

// notIssueCodes are first-column entries of docs/records.md's tables that are
// record keys, not issue codes.
var notIssueCodes = map[string]bool{
	"document_id": true, "source": true, "template": true, "status": true, "quality": true,
	"fields": true, "issues": true, "case": true,
}

var codeName = regexp.MustCompile(`^(Code|code|Why)[A-Z]`)
var codeValue = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)+$|^interrupted$`)

// issueCodeConstants returns every string constant named like an issue code
// in the non-test Go files under root, with where it is defined.
func issueCodeConstants(t *testing.T, root string) map[string]string {
	t.Helper()
	codes := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !codeName.MatchString(name.Name) || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					v, err := strconv.Unquote(lit.Value)
					if err != nil || !codeValue.MatchString(v) {
						continue
					}
					codes[v] = filepath.ToSlash(path) + ": " + name.Name
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return codes
}
