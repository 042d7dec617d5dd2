package main

import (
	"encoding/json"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shinsei/internal/pdfout"
)

// The template JSON is a contract (docs/templates.md): this test reads it
// as another tool would, without shinsei's types.
func TestTemplatesJSONContract(t *testing.T) {
	out, errOut, code := shinsei(t, nil, "templates", "list", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("list --json is not a JSON array: %v", err)
	}
	var ids []string
	for _, tp := range list {
		ids = append(ids, tp["id"].(string))
	}
	if strings.Join(ids, ",") != "jpki-answer,jpki-application,jpki-revocation" {
		t.Errorf("templates = %v", ids)
	}
	kinds := map[string]bool{"checkbox": true, "text": true, "date": true, "signature": true, "pin": true, "case_ref": true}
	charsets := map[string]bool{"kanji": true, "katakana": true, "digits": true, "alnum": true}
	for _, id := range ids {
		out, _, code := shinsei(t, nil, "templates", "show", id, "--json")
		if code != 0 {
			t.Fatalf("show %s: exit %d", id, code)
		}
		var tp struct {
			ID       string  `json:"id"`
			Revision float64 `json:"revision"`
			Title    string  `json:"title"`
			Page     struct {
				W float64 `json:"width_mm"`
				H float64 `json:"height_mm"`
			} `json:"page"`
			Fields []map[string]any `json:"fields"`
		}
		if err := json.Unmarshal([]byte(out), &tp); err != nil {
			t.Fatalf("show %s --json: %v", id, err)
		}
		if tp.ID != id || tp.Revision < 1 || tp.Title == "" || tp.Page.W != 210 || tp.Page.H != 297 {
			t.Errorf("%s: header %+v", id, tp)
		}
		type box struct{ x, y, w, h float64 }
		var boxes []box
		var boxIDs []string
		groupKind := map[string]string{}
		for _, f := range tp.Fields {
			fid, _ := f["id"].(string)
			kind, _ := f["kind"].(string)
			label, _ := f["label"].(string)
			if fid == "" || !kinds[kind] || label == "" {
				t.Errorf("%s: field %v lacks id, kind or label", id, f)
			}
			if _, ok := f["required"].(bool); !ok {
				t.Errorf("%s.%s: required is not a bool", id, fid)
			}
			b, _ := f["box"].(map[string]any)
			x, _ := b["x_mm"].(float64)
			y, _ := b["y_mm"].(float64)
			w, _ := b["w_mm"].(float64)
			h, _ := b["h_mm"].(float64)
			if w <= 0 || h <= 0 || x < 0 || y < 0 || x+w > tp.Page.W || y+h > tp.Page.H {
				t.Errorf("%s.%s: box %v is not inside the page", id, fid, b)
			}
			for i, o := range boxes {
				if x < o.x+o.w && o.x < x+w && y < o.y+o.h && o.y < y+h {
					t.Errorf("%s: %s overlaps %s", id, fid, boxIDs[i])
				}
			}
			boxes = append(boxes, box{x, y, w, h})
			boxIDs = append(boxIDs, fid)
			if cs, ok := f["charset"].(string); ok && !charsets[cs] {
				t.Errorf("%s.%s: charset %q", id, fid, cs)
			}
			if kind == "text" && f["charset"] == nil {
				t.Errorf("%s.%s: text field without charset", id, fid)
			}
			if c, ok := f["cells"].(float64); ok && (kind != "pin" || c < 1 || c != math.Trunc(c)) {
				t.Errorf("%s.%s: cells %v on a %s field", id, fid, c, kind)
			}
			if kind == "pin" && f["cells"] == nil {
				t.Errorf("%s.%s: pin field without cells", id, fid)
			}
			if g, ok := f["group"].(string); ok {
				if k, seen := groupKind[g]; seen && k != kind {
					t.Errorf("%s: group %s mixes %s and %s", id, g, k, kind)
				}
				groupKind[g] = kind
			}
		}
	}
}

func TestTemplatesListAndShowText(t *testing.T) {
	out, _, code := shinsei(t, nil, "templates", "list")
	if code != 0 || !strings.Contains(out, "jpki-application  1") || !strings.Contains(out, "照会書兼回答書") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
	out, _, code = shinsei(t, nil, "templates", "show", "jpki-answer@1")
	if code != 0 || !strings.Contains(out, "pin_signature") || !strings.Contains(out, "pin/alnum ×16") {
		t.Errorf("show: exit %d\n%s", code, out)
	}
}

func TestTemplatesRender(t *testing.T) {
	dir := t.TempDir()
	png300 := filepath.Join(dir, "app.png")
	if _, errOut, code := shinsei(t, nil, "templates", "render", "jpki-application", "--out", png300); code != 0 {
		t.Fatalf("render png: %s", errOut)
	}
	f, err := os.Open(png300)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 2480 || b.Dy() != 3508 {
		t.Errorf("PNG at 300 dpi is %dx%d, want 2480x3508", b.Dx(), b.Dy())
	}

	pdf := filepath.Join(dir, "answer.pdf")
	out, errOut, code := shinsei(t, nil, "templates", "render", "jpki-answer", "--case", "4991-7264-0", "--out", pdf)
	if code != 0 {
		t.Fatalf("render pdf: %s", errOut)
	}
	if !strings.Contains(out, "2480x3508 px at 300 dpi") {
		t.Errorf("render said %q", out)
	}
	r, err := os.Open(pdf)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	pages, err := pdfout.PageImages(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || math.Abs(pages[0].WidthMM-210) > 0.1 || math.Abs(pages[0].HeightMM-297) > 0.1 {
		t.Fatalf("PDF pages: %+v, want one A4 page", pages)
	}
	if b := pages[0].Image.Bounds(); b.Dx() != 2480 || b.Dy() != 3508 {
		t.Errorf("PDF page image %dx%d, want 2480x3508", b.Dx(), b.Dy())
	}

	fill := filepath.Join(dir, "fill.json")
	os.WriteFile(fill, []byte(`{"fields": {"applicant_name": "山田 太郎", "cert_user": true}}`), 0o644)
	if _, errOut, code := shinsei(t, nil, "templates", "render", "jpki-application", "--fill", fill, "--dpi", "100", "--out", filepath.Join(dir, "filled.png")); code != 0 {
		t.Errorf("render --fill: %s", errOut)
	}
}

func TestTemplatesErrors(t *testing.T) {
	dir := t.TempDir()
	pinFill := filepath.Join(dir, "pin.json")
	os.WriteFile(pinFill, []byte(`{"fields": {"pin_user": "9876"}}`), 0o644)
	badFill := filepath.Join(dir, "bad.json")
	os.WriteFile(badFill, []byte(`{"feilds": {}}`), 0o644)
	out := filepath.Join(dir, "x.png")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"templates"}, 2, "want list"},
		{[]string{"templates", "frob"}, 2, "unknown subcommand"},
		{[]string{"templates", "show"}, 2, "one template ID"},
		{[]string{"templates", "show", "nope"}, 1, `unknown template: "nope"`},
		{[]string{"templates", "show", "jpki-answer@x"}, 2, "revision"},
		{[]string{"templates", "show", "jpki-answer@9"}, 1, "revision 9"},
		{[]string{"templates", "render", "jpki-answer"}, 2, "--out"},
		{[]string{"templates", "render", "jpki-answer", "--out", dir + "/x.gif"}, 2, ".pdf or .png"},
		{[]string{"templates", "render", "jpki-answer", "--case", "1234-5678-0", "--out", out}, 1, "check digit"},
		{[]string{"templates", "render", "jpki-application", "--case", "4991-7264-0", "--out", out}, 2, "only answer sheets"},
		{[]string{"templates", "render", "jpki-answer", "--fill", pinFill, "--out", out}, 1, "PINs are never written"},
		{[]string{"templates", "render", "jpki-answer", "--fill", badFill, "--out", out}, 1, "not a fill file"},
		{[]string{"templates", "render", "jpki-answer", "--fill", dir + "/missing.json", "--out", out}, 1, "--fill"},
	} {
		_, errOut, code := shinsei(t, nil, c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d mentioning %q", c.args, code, errOut, c.code, c.want)
		}
		if strings.Contains(errOut, "9876") {
			t.Errorf("%q: the error repeats the PIN", c.args)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed render left its output file")
	}
}
