package pipeline_test

import (
	"context"
	"encoding/json"
	"image"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/ocr"
	"shinsei/ocr/paddle/paddletest"
	"shinsei/pipeline"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

func privacyEngine(t *testing.T) *pipeline.Engine {
	t.Helper()
	pool, err := ocr.NewPool(ocr.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	today := scangen.DefaultToday()
	e, err := pipeline.New(templates.Builtin(), pipeline.Config{Text: text.NewReader(pool).WithSecond(paddletest.Pool(t)).WithToday(func() time.Time { return today }), Today: func() time.Time { return today }, KeepCanvas: true})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func readDoc(t *testing.T, e *pipeline.Engine, d scangen.Doc) pipeline.Detail {
	t.Helper()
	pages := e.Pages(context.Background(), d.Name, d.Data)
	if len(pages) != 1 {
		t.Fatalf("%s: %d pages", d.Name, len(pages))
	}
	return e.ReadDetailed(context.Background(), pages[0])
}

// inkLeft counts the pixels of glyph box b (mm) on the stored canvas that
// are neither blacked out nor paper: strokes of the glyph still showing.
func inkLeft(img *image.Gray, b templates.Box) (strokes, total int) {
	k := float64(img.Bounds().Dx()) / templates.PageWidthMM
	r := image.Rect(int(b.X*k), int(b.Y*k), int((b.X+b.W)*k)+1, int((b.Y+b.H)*k)+1).Intersect(img.Bounds())
	black := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			total++
			switch v := img.GrayAt(x, y).Y; {
			case v == 0:
				black++
			case v < 170:
				strokes++
			}
		}
	}
	if black == total {
		return 0, total
	}
	return strokes, total
}

// A My Number written in the phone box of an application is masked: the
// value is null for review with mynumber_masked, the raw reading is gone,
// the record holds none of its digits, and the stored copy of the page has
// no ink where the generator drew its glyphs.
func TestGuardMyNumber(t *testing.T) {
	e := privacyEngine(t)
	g, err := scangen.New(scangen.Options{Seed: 4242, Mix: scanfx.Standard})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		d, err := g.MyNumberPage(scangen.MyNumberOptions{Seed: uint64(100 + i), Format: []string{"png", "jpg", "pdf"}[i]})
		if err != nil {
			t.Fatal(err)
		}
		det := readDoc(t, e, d)
		secret := d.Truth.Pages[0].Secrets[0]
		if fv := det.Fields["applicant_phone"]; fv.Value != nil || !fv.Review {
			t.Errorf("%s: applicant_phone = %+v, want null for review", d.Name, fv)
		}
		if !hasIssue(det.Record, forms.CodeMyNumberMasked) {
			t.Errorf("%s: no %s issue: %s", d.Name, forms.CodeMyNumberMasked, issueText(det.Record))
		}
		js, _ := json.Marshal(det.Record)
		if strings.Contains(string(js), secret.Text) || strings.Contains(det.Raw["applicant_phone"], secret.Text[:4]) {
			t.Errorf("%s: the record or the raw reading holds the My Number", d.Name)
		}
		for j, gb := range secret.Glyphs {
			if n, total := inkLeft(det.Canvas, gb); n > 0 {
				t.Errorf("%s: glyph %d of the My Number shows in the stored page (%d of %d pixels ink)", d.Name, j, n, total)
			}
		}
	}
}

// On an answer sheet, a PIN written in the margin beside 代理人氏名 or in
// 代理人氏名 itself is blacked out in the stored copy of the page, with
// pin_outside_cells (and the name field's value null); sheets filled in as
// asked raise nothing.
func TestGuardPINOutsideCells(t *testing.T) {
	e := privacyEngine(t)
	g, err := scangen.New(scangen.Options{Seed: 4242, Mix: scanfx.Standard})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i, also := range [][]string{nil, {scangen.PlaceMargin}, nil, {scangen.PlaceText}, nil, {scangen.PlaceMargin, scangen.PlaceText}} {
		c := scangen.Case{Ref: string(forms.NewCaseRef(rng)), Name: "山田 太郎", Address: "東京都練馬区豊玉北6丁目12番1号", Certs: []string{forms.CertSignature, forms.CertUser}, ProxyName: "山田 花子"}
		d, err := g.Answer(c, scangen.AnswerOptions{Mix: scanfx.Standard, Seed: uint64(i), PINAlso: also})
		if err != nil {
			t.Fatal(err)
		}
		det := readDoc(t, e, d)
		if got := hasIssue(det.Record, pipeline.CodePINOutsideCells); got != (len(also) > 0) {
			t.Errorf("sheet %d (PIN also %v): %s raised = %v; issues: %s", i, also, pipeline.CodePINOutsideCells, got, issueText(det.Record))
		}
		for _, s := range d.Truth.Pages[0].Secrets {
			if s.Where == scangen.PlaceCells {
				continue // the PIN section is Redact's, when the page is archived
			}
			for j, gb := range s.Glyphs {
				if n, total := inkLeft(det.Canvas, gb); n > 0 {
					t.Errorf("sheet %d: glyph %d of the PIN written %s shows in the stored page (%d of %d pixels ink)", i, j, s.Where, n, total)
				}
			}
			if s.Where == "text:proxy_name" {
				if fv := det.Fields["proxy_name"]; fv.Value != nil || !fv.Review {
					t.Errorf("sheet %d: proxy_name = %+v, want null for review", i, fv)
				}
			}
		}
	}
}
