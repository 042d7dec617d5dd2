package main

import (
	"bytes"
	"encoding/json"
	"image"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/internal/pdfout"
	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/templates"
)

// After scanning a batch whose PINs the test knows (the generator writes
// synthetic ones into the PIN cells of answer sheets), no stored object,
// log line, record or message holds any of them, and in every stored page
// image every PIN cell is black.
func TestPrivacy(t *testing.T) {
	g, err := scangen.New(scangen.Options{Seed: 4242, Mix: scanfx.Standard})
	if err != nil {
		t.Fatal(err)
	}
	in := t.TempDir()
	var files []string
	var pins []string // every PIN written, as the characters a person wrote
	write := func(d scangen.Doc) bool {
		has := false
		for _, p := range d.Truth.Pages {
			for id, f := range p.Fields {
				if strings.HasPrefix(id, "pin_") && f.Written != "" {
					pins = append(pins, f.Written)
					has = true
				}
			}
		}
		name := filepath.Join(in, d.Name)
		if err := os.WriteFile(name, d.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
		return has
	}
	// Two documents of the corpus (forms of every kind come this way),
	// and three answer sheets with PINs for both certificates, in three
	// file formats.
	for i := range 2 {
		d, err := g.Document(i)
		if err != nil {
			t.Fatal(err)
		}
		write(d)
	}
	answers := 0
	rng := rand.New(rand.NewPCG(4242, 1))
	for i, format := range []string{"png", "jpg", "pdf"} {
		c := scangen.Case{Ref: string(forms.NewCaseRef(rng)), Name: "山田 太郎", Kana: "ヤマダ タロウ", Address: "東京都練馬区豊玉北6丁目12番1号",
			Birth: time.Date(1985, 4, 12, 0, 0, 0, 0, time.UTC), Certs: []string{"signature", "user"}, ProxyName: "山田 花子"}
		d, err := g.Answer(c, scangen.AnswerOptions{Mix: scanfx.Standard, Seed: uint64(i), Format: format})
		if err != nil {
			t.Fatal(err)
		}
		if write(d) {
			answers++
		}
	}
	if answers < 3 || len(pins) < 6 {
		t.Fatalf("the generator wrote %d PINs on %d sheets; the test needs PINs to look for", len(pins), answers)
	}
	home := t.TempDir()
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	out, errOut, code := shinsei(t, getenv, append([]string{"--log-level", "debug", "scan", "--json", "-j", "2"}, files...)...)
	if code == 1 {
		t.Fatalf("scan failed: %s", errOut)
	}
	// Text the software produced: every PIN, however short, is looked for.
	// Failures name a PIN by its place in the batch, never its characters:
	// test output is a log too.
	for i, p := range pins {
		for what, s := range map[string]string{"records": out, "logs and messages": errOut} {
			if holdsPIN(s, p) {
				t.Errorf("%s contain synthetic PIN #%d (%d characters)", what, i, len(p))
			}
		}
	}
	store := filepath.Join(home, ".local", "share", "shinsei")
	stored, pages, sheets := 0, 0, 0
	err = filepath.WalkDir(store, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		stored++
		for i, p := range pins {
			// A 4-digit PIN can turn up by chance in compressed image data
			// or a hash; in text (records, indexes, cases) nothing may
			// hold one, and a 6–16 character PIN may be nowhere at all.
			if (len(p) >= 6 || isText(path)) && holdsPIN(string(data), p) {
				t.Errorf("%s holds synthetic PIN #%d (%d characters)", path, i, len(p))
			}
		}
		if strings.HasSuffix(path, ".pdf") {
			pages++
			if checkPINsBlack(t, path, data) {
				sheets++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < len(files) || sheets < answers {
		t.Errorf("%d page images stored for %d files; %d answer sheets checked of %d", pages, len(files), sheets, answers)
	}
	t.Logf("%d files, %d PINs, %d stored objects, %d page images, %d answer sheets checked", len(files), len(pins), stored, pages, sheets)
}

// holdsPIN reports whether s contains pin. A signature PIN (6–16 letters
// and digits) must appear nowhere. A 4-digit user PIN turns up by chance
// inside numbers that are not PINs — a temporary folder's name, a hash,
// a timestamp's nanoseconds, the year of a date — so it counts only as a
// token of its own: not touching another letter or digit, nor the - : . /
// of a date, time or path.
func holdsPIN(s, pin string) bool {
	if len(pin) >= 6 {
		return strings.Contains(s, pin)
	}
	joins := func(b byte) bool {
		return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || strings.IndexByte("-:./T", b) >= 0
	}
	for i := 0; ; {
		j := strings.Index(s[i:], pin)
		if j < 0 {
			return false
		}
		at := i + j
		end := at + len(pin)
		if (at == 0 || !joins(s[at-1])) && (end == len(s) || !joins(s[end])) {
			return true
		}
		i = at + 1
	}
}

func TestHoldsPIN(t *testing.T) {
	for _, c := range []struct {
		s, pin string
		want   bool
	}{
		{`"value":"1788"`, "1788", true},
		{`pin 1788 written`, "1788", true},
		{`/tmp/TestPrivacy1788566456/x.png`, "1788", false},
		{`"sha256":"ab1788cd"`, "1788", false},
		{`"at":"2026-11-26T16:10:34.117885Z"`, "1788", false},
		{`"date":"2026-11-26"`, "2026", false},
		{`...A7K2Q9ZZ...`, "A7K2Q9ZZ", true},
	} {
		if got := holdsPIN(c.s, c.pin); got != c.want {
			t.Errorf("holdsPIN(%q, %q) = %v, want %v", c.s, c.pin, got, c.want)
		}
	}
}

func isText(path string) bool {
	return strings.HasSuffix(path, ".json") || !strings.Contains(filepath.Base(path), ".")
}

// checkPINsBlack reads an archived page and checks every pixel of every
// PIN box of the answer sheet is black. The archived page is the
// registered canvas, so template coordinates apply directly. It reports
// whether the page was an answer sheet.
func checkPINsBlack(t *testing.T, path string, data []byte) bool {
	t.Helper()
	imgs, err := pdfout.PageImages(bytes.NewReader(data))
	if err != nil || len(imgs) != 1 {
		t.Fatalf("%s: %d images, %v", path, len(imgs), err)
	}
	g, ok := imgs[0].Image.(*image.Gray)
	if !ok {
		t.Fatalf("%s: image is %T", path, imgs[0].Image)
	}
	data, err = os.ReadFile(filepath.Join(filepath.Dir(path), "record.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rec forms.Record
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Template == nil || rec.Template.ID != "jpki-answer" {
		return false
	}
	tp, err := templates.Builtin().Get("jpki-answer", 1)
	if err != nil {
		t.Fatal(err)
	}
	dpi := float64(g.Rect.Dx()) * 25.4 / templates.PageWidthMM
	for _, f := range tp.Fields {
		if f.Kind != templates.PIN {
			continue
		}
		r := image.Rect(int(templates.MMToPx(f.Box.X, dpi)), int(templates.MMToPx(f.Box.Y, dpi)),
			int(templates.MMToPx(f.Box.X+f.Box.W, dpi)), int(templates.MMToPx(f.Box.Y+f.Box.H, dpi)))
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if v := g.GrayAt(x, y).Y; v > 10 {
					t.Fatalf("%s: %s pixel (%d,%d) is %d, not black", path, f.ID, x, y, v)
				}
			}
		}
	}
	return true
}
