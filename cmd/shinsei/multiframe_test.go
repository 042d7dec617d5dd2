package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/internal/scangen"
)

// The file of issue 14, point 1: a GIF with an application in frame 1 and
// an answer sheet with PINs in frame 2. Scanning it reads both frames as
// pages, and the file is not kept as an "original": it holds a sheet whose
// PINs only the redacted page may show.
func TestScanMultiFrameGIF(t *testing.T) {
	g, err := scangen.New(scangen.Options{Seed: 14})
	if err != nil {
		t.Fatal(err)
	}
	var app *image.Gray
	for i := 0; app == nil; i++ {
		d, err := g.Document(i)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Truth.Pages) == 1 && d.Truth.Pages[0].Template == forms.TemplateApplication {
			imgs, err := scangen.DecodeFile(d.Name, d.Data)
			if err != nil {
				t.Fatal(err)
			}
			app = imgs[0]
		}
	}
	rng := rand.New(rand.NewPCG(14, 1))
	c := scangen.Case{Ref: string(forms.NewCaseRef(rng)), Name: "山田 太郎", Kana: "ヤマダ タロウ", Address: "東京都練馬区豊玉北6丁目12番1号",
		Birth: time.Date(1985, 4, 12, 0, 0, 0, 0, time.UTC), Certs: []string{forms.CertSignature, forms.CertUser}, ProxyName: "山田 花子"}
	d, err := g.Answer(c, scangen.AnswerOptions{Seed: 1, Format: "png"})
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := scangen.DecodeFile(d.Name, d.Data)
	if err != nil {
		t.Fatal(err)
	}
	answer := imgs[0]

	grays := make(color.Palette, 256)
	for i := range grays {
		grays[i] = color.Gray{Y: uint8(i)}
	}
	frame := func(src *image.Gray) *image.Paletted {
		p := image.NewPaletted(src.Rect, grays)
		copy(p.Pix, src.Pix) // both 1 byte a pixel, same stride
		return p
	}
	w, h := max(app.Rect.Dx(), answer.Rect.Dx()), max(app.Rect.Dy(), answer.Rect.Dy())
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, &gif.GIF{Image: []*image.Paletted{frame(app), frame(answer)}, Delay: []int{0, 0},
		Config: image.Config{ColorModel: grays, Width: w, Height: h}}); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "scan.gif")
	if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	out, errOut, code := shinsei(t, nil, "--store", "file://"+dir, "scan", "--json", name)
	if code == 1 {
		t.Fatalf("scan failed: %s", errOut)
	}
	if code != 3 {
		t.Errorf("exit %d, want 3 (an unmatched answer sheet needs a person)", code)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec forms.Record
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%v: %q", err, line)
		}
		id := "unknown"
		if rec.Template != nil {
			id = rec.Template.ID
		}
		got = append(got, id)
	}
	if want := []string{forms.TemplateApplication, forms.TemplateAnswer}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("pages read as %v, want %v: frame 2 must be read", got, want)
	}
	err = filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if rel, _ := filepath.Rel(dir, path); strings.HasPrefix(filepath.ToSlash(rel), "archive/originals/") && !e.IsDir() {
			t.Errorf("the GIF was kept as an original (%s): its second frame holds an unredacted answer sheet", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
