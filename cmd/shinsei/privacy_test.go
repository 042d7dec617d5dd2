package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/internal/pdfout"
	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/store"
	"shinsei/store/storetest"
	"shinsei/templates"
)

// privacyBatch is what the privacy test scans: files, and the secrets (PINs
// and My Numbers) the generator wrote on each, with where every glyph went.
type privacyBatch struct {
	dir     string
	files   []string
	secrets map[string][]scangen.Secret // by file name
	sheets  int                         // answer sheets with PINs
	places  map[string]int              // secrets by where they were written
	numbers int                         // pages with a My Number
}

// The privacy test's batch: 40 answer sheets, each with its PINs in the
// cells and, on most, written again somewhere else (beside the boxes as
// "(6331)", above them as a correction, below them, in the margin beside
// 代理人氏名, or in 代理人氏名 itself); 10 applications with a valid My
// Number in the phone box; and two corpus documents, so forms of every kind
// pass too. Formats rotate through PNG, JPEG, PDF and TIFF.
func makePrivacyBatch(t *testing.T) privacyBatch {
	t.Helper()
	g, err := scangen.New(scangen.Options{Seed: 4242, Mix: scanfx.Standard})
	if err != nil {
		t.Fatal(err)
	}
	b := privacyBatch{dir: t.TempDir(), secrets: map[string][]scangen.Secret{}, places: map[string]int{}}
	also := [][]string{
		nil,
		{scangen.PlaceBeside},
		{scangen.PlaceAbove},
		{scangen.PlaceBelow},
		{scangen.PlaceMargin},
		{scangen.PlaceText},
		{scangen.PlaceBeside, scangen.PlaceText},
		{scangen.PlaceAbove, scangen.PlaceBelow, scangen.PlaceMargin},
	}
	certs := [][]string{{forms.CertSignature, forms.CertUser}, {forms.CertUser}, {forms.CertSignature}}
	formats := []string{"png", "jpg", "pdf", "tif"}
	// Every document is made by a function of its own, so they can be
	// made two at a time and still come out the same.
	var makers []func() (scangen.Doc, error)
	for i := range 2 {
		makers = append(makers, func() (scangen.Doc, error) { return g.Document(i) })
	}
	rng := rand.New(rand.NewPCG(4242, 1))
	for i := range 40 {
		c := scangen.Case{Ref: string(forms.NewCaseRef(rng)), Name: "山田 太郎", Kana: "ヤマダ タロウ", Address: "東京都練馬区豊玉北6丁目12番1号",
			Birth: time.Date(1985, 4, 12, 0, 0, 0, 0, time.UTC), Certs: certs[i%len(certs)], ProxyName: "山田 花子"}
		o := scangen.AnswerOptions{Mix: scanfx.Standard, Seed: uint64(i), Format: formats[i%len(formats)], PINAlso: also[i%len(also)]}
		makers = append(makers, func() (scangen.Doc, error) { return g.Answer(c, o) })
	}
	for i := range 10 {
		o := scangen.MyNumberOptions{Seed: uint64(i), Format: formats[i%len(formats)]}
		makers = append(makers, func() (scangen.Doc, error) { return g.MyNumberPage(o) })
	}
	docs := make([]scangen.Doc, len(makers))
	errs := make([]error, len(makers))
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := w; i < len(makers); i += 2 {
				docs[i], errs[i] = makers[i]()
			}
		})
	}
	wg.Wait()
	for i, d := range docs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		for _, p := range d.Truth.Pages {
			b.secrets[d.Name] = append(b.secrets[d.Name], p.Secrets...)
			for _, s := range p.Secrets {
				b.places[s.Kind+"/"+s.Where]++
			}
		}
		if strings.HasPrefix(d.Name, "answer-") {
			b.sheets++
		}
		if strings.HasPrefix(d.Name, "mynumber-") {
			b.numbers++
		}
		name := filepath.Join(b.dir, d.Name)
		if err := os.WriteFile(name, d.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		b.files = append(b.files, name)
	}
	return b
}

// After scanning a batch whose PINs and My Numbers the test knows into a
// fresh store, local and MinIO, nothing stored or printed holds them: no
// record, log line, message, index or audit entry holds their characters,
// no scanned file that shows one is kept, and in every stored page image
// there is no ink where the generator drew one of their glyphs. The test
// knows the glyphs' places from the generator, not from the redaction code:
// it fails if the redaction misses any of them, whatever the reason.
func TestPrivacy(t *testing.T) {
	start := time.Now()
	b := makePrivacyBatch(t)
	for _, w := range []string{"cells", "beside", "above", "below", "margin", "text:proxy_name"} {
		if b.places[scangen.SecretPIN+"/"+w] == 0 {
			t.Fatalf("no PIN written %s: %v", w, b.places)
		}
	}
	if b.sheets < 40 || b.numbers < 10 || b.places[scangen.SecretMyNumber+"/text:applicant_phone"] < 10 {
		t.Fatalf("the batch has %d answer sheets and %d My Numbers (%v); the test needs 40 and 10", b.sheets, b.numbers, b.places)
	}
	t.Logf("batch of %d files made in %v: %v", len(b.files), time.Since(start).Round(time.Millisecond), b.places)
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		start := time.Now()
		home := t.TempDir()
		getenv := func(k string) string {
			if k == "HOME" {
				return home
			}
			return be.Getenv(k)
		}
		args := append([]string{"--log-level", "debug", "--store", be.URL, "scan", "--json", "-j", "2"}, b.files...)
		out, errOut, code := shinsei(t, getenv, args...)
		if code == 1 {
			t.Fatalf("scan failed: %s", errOut)
		}
		t.Logf("scanned in %v", time.Since(start).Round(time.Millisecond))
		checkPrivacy(t, b, be.Store, out, errOut)
	})
}

func checkPrivacy(t *testing.T, b privacyBatch, st store.Store, out, errOut string) {
	t.Helper()
	ctx := context.Background()
	// Failures name a secret by its file and place, never its characters:
	// test output is a log too.
	each := func(fn func(file string, i int, s scangen.Secret)) {
		for file, ss := range b.secrets {
			for i, s := range ss {
				fn(file, i, s)
			}
		}
	}
	// A page's reading time is logged in milliseconds (ms=7892 under the
	// race detector): a measurement, not data, that a 4-digit PIN can equal
	// by chance.
	errOut = regexp.MustCompile(`\bms=\d+`).ReplaceAllString(errOut, "ms=N")
	each(func(file string, i int, s scangen.Secret) {
		for what, text := range map[string]string{"records": out, "logs and messages": errOut} {
			if holdsSecret(text, s) {
				t.Errorf("%s hold %s #%d of %s (%s)", what, s.Kind, i, file, s.Where)
			}
		}
	})
	secretFile := map[string]string{} // sha256 → name, for files that show a secret
	for _, f := range b.files {
		if len(b.secrets[filepath.Base(f)]) > 0 {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			secretFile[forms.FileSHA256(data)] = filepath.Base(f)
		}
	}
	stored, pages, checked := 0, 0, 0
	for info, err := range st.List(ctx, "") {
		if err != nil {
			t.Fatal(err)
		}
		data := get(t, st, info.Key)
		stored++
		text := isText(info.Key)
		each(func(file string, i int, s scangen.Secret) {
			// A 4-digit PIN can turn up by chance in compressed image data
			// or a hash; in text (records, indexes, cases, audit) nothing
			// may hold one, and a longer secret may be nowhere at all.
			if (len(s.Text) >= 6 || text) && holdsSecret(string(data), s) {
				t.Errorf("%s holds %s #%d of %s (%s)", info.Key, s.Kind, i, file, s.Where)
			}
		})
		if strings.HasPrefix(info.Key, "archive/originals/") {
			if name, ok := secretFile[strings.Split(info.Key, "/")[2]]; ok {
				t.Errorf("%s: the scanned file %s, which shows a PIN or My Number, was kept", info.Key, name)
			}
		}
		if strings.HasSuffix(info.Key, "/page.pdf") {
			pages++
			rec := readRecord(t, st, strings.TrimSuffix(info.Key, "page.pdf")+"record.json")
			ss := b.secrets[filepath.Base(rec.Source.Name)]
			if len(ss) == 0 {
				continue
			}
			checked++
			img := pageImage(t, info.Key, data)
			for i, s := range ss {
				for j, g := range s.Glyphs {
					if n, total := inkAt(img, g); n > 0 {
						t.Errorf("%s (%s): glyph %d of %s #%d (%s) still shows: %d of %d pixels are ink", info.Key, rec.Source.Name, j, s.Kind, i, s.Where, n, total)
					}
				}
			}
		}
	}
	if pages < len(b.files) || checked < b.sheets+b.numbers {
		t.Errorf("%d page images stored for %d files; %d pages with secrets checked of %d", pages, len(b.files), checked, b.sheets+b.numbers)
	}
	t.Logf("%d files, %d stored objects, %d page images, %d with secrets checked", len(b.files), stored, pages, checked)
}

// inkAt counts the pixels of glyph box g (mm) on a stored page (the form's
// canvas) that are ink: darker than paper and not the solid black of a
// blacked-out area. A box blacked out whole, or all paper, has none; a
// glyph still showing has its strokes. The box is the glyph's as drawn;
// registration moves it by a fraction of a millimetre, which the archive's
// 1 mm margins absorb.
func inkAt(img *image.Gray, g templates.Box) (ink, total int) {
	k := float64(img.Bounds().Dx()) / templates.PageWidthMM
	r := image.Rect(int(g.X*k), int(g.Y*k), int((g.X+g.W)*k)+1, int((g.Y+g.H)*k)+1).Intersect(img.Bounds())
	black := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			total++
			switch v := img.GrayAt(x, y).Y; {
			case v <= 8:
				black++
			case v < 160:
				ink++
			}
		}
	}
	if black == total {
		return 0, total
	}
	// Solid black beside ink is a cut glyph: part of it survives.
	return ink + black, total
}

func pageImage(t *testing.T, key string, data []byte) *image.Gray {
	t.Helper()
	imgs, err := pdfout.PageImages(bytes.NewReader(data))
	if err != nil || len(imgs) != 1 {
		t.Fatalf("%s: %d images, %v", key, len(imgs), err)
	}
	g, ok := imgs[0].Image.(*image.Gray)
	if !ok {
		t.Fatalf("%s: image is %T", key, imgs[0].Image)
	}
	return g
}

func get(t *testing.T, st store.Store, key string) []byte {
	t.Helper()
	rc, err := st.Get(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func readRecord(t *testing.T, st store.Store, key string) forms.Record {
	t.Helper()
	var rec forms.Record
	if err := json.Unmarshal(get(t, st, key), &rec); err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return rec
}

// holdsSecret reports whether s holds secret's characters: a PIN as
// holdsPIN finds it; a My Number as its 12 digits, with or without the
// spaces or hyphens a person writes between groups, in half- or
// full-width digits.
func holdsSecret(s string, secret scangen.Secret) bool {
	if secret.Kind != scangen.SecretMyNumber {
		return holdsPIN(s, secret.Text)
	}
	n := secret.Text
	full := strings.Map(func(r rune) rune { return r - '0' + '０' }, n)
	for _, v := range []string{n, n[:4] + " " + n[4:8] + " " + n[8:], n[:4] + "-" + n[4:8] + "-" + n[8:], full} {
		if strings.Contains(s, v) {
			return true
		}
	}
	return false
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
	n := scangen.Secret{Kind: scangen.SecretMyNumber, Text: "123456789018"}
	for s, want := range map[string]bool{
		`"value":"123456789018"`: true, "1234 5678 9018": true, "1234-5678-9018": true, "１２３４５６７８９０１８": true,
		`"value":null`: false, "12345678901": false,
	} {
		if got := holdsSecret(s, n); got != want {
			t.Errorf("holdsSecret(%q, a My Number) = %v, want %v", s, got, want)
		}
	}
}

func isText(key string) bool {
	return strings.HasSuffix(key, ".json") || !strings.Contains(filepath.Base(key), ".")
}
