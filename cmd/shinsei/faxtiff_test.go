package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shinsei/forms"
	"shinsei/internal/faxtiff"
	"shinsei/internal/scanfx"
	"shinsei/pipeline/decode"
)

// Our filled-in form saved as a fax TIFF — Group 3 and Group 4, "white is
// zero" and "black is zero", by libtiff's own tools — reads the same
// record through `shinsei scan`, handwriting included, as the PNG of the
// same page (issue 15, point 1: black-is-zero fax pages were read as
// negatives and rejected as blank).
func TestScanFaxTIFFLikePNG(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "corpus", "clean", "0000-application.png"))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := decode.Decode(context.Background(), "page.png", data, decode.Limits{})
	if err != nil || len(rs) != 1 || rs[0].Err != nil {
		t.Fatalf("decode the corpus page: %v %+v", err, rs)
	}
	page := faxtiff.Bilevel(rs[0].Image)
	dir := t.TempDir()
	var png bytes.Buffer
	if err := scanfx.Encode(&png, page, scanfx.PNG, scanfx.EncodeOptions{DPI: 300}); err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(dir, "page.png")}
	if err := os.WriteFile(files[0], png.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, v := range []faxtiff.Variant{
		{Compression: "g4", BlackIsZero: true},
		{Compression: "g3", BlackIsZero: true},
		{Compression: "g4", BlackIsZero: false},
	} {
		tif, err := faxtiff.Write(context.Background(), t.TempDir(), page, 300, v)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, v.String()+".tif")
		if err := os.WriteFile(name, tif, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	out, errOut, code := shinsei(t, nil, append([]string{"--log-level", "error", "scan", "--json", "--no-archive", "-j", "2"}, files...)...)
	if code == exitError {
		t.Fatalf("scan failed: %s", errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(files) {
		t.Fatalf("%d records for %d files:\n%s", len(lines), len(files), out)
	}
	reading := func(line string) (forms.Record, string) {
		var r forms.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %q", err, line)
		}
		name := r.Source.Name
		r.Source, r.DocumentID = forms.Source{}, ""
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return r, strings.ReplaceAll(string(b), name, "FILE")
	}
	want, wantJSON := reading(lines[0])
	if want.Template == nil || want.Status == forms.Rejected || len(want.Fields) == 0 {
		t.Fatalf("the PNG itself was not read as a form: %s", lines[0])
	}
	read := 0
	for _, f := range want.Fields {
		if s, ok := f.Value.(string); ok && s != "" {
			read++
		}
	}
	if read == 0 {
		t.Errorf("no text was read from the PNG: the comparison would not cover handwriting")
	}
	for i, line := range lines[1:] {
		if _, got := reading(line); got != wantJSON {
			t.Errorf("%s reads differently from the PNG:\n got %s\nwant %s", filepath.Base(files[i+1]), got, wantJSON)
		}
	}
}
