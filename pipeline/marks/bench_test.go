package marks

import (
	"testing"

	"shinsei/pipeline/register"
)

// benchPages are the committed corpus's 300 dpi scans: a Standard answer
// sheet (JPEG-free PNG with noise, PIN boxes to read) and a Clean
// application (twelve checkboxes, two signatures), each registered.
func benchPages(b *testing.B) []benchCase {
	b.Helper()
	fs := newForms(b)
	var cs []benchCase
	for _, want := range []struct{ mix, template string }{{"standard", "jpki-answer"}, {"clean", "jpki-application"}} {
		n := len(cs)
	docs:
		for _, d := range loadCommitted(b, want.mix) {
			for _, p := range pagesOf(b, d) {
				if p.truth.Geometry.DPI != 300 || p.truth.Template != want.template {
					continue
				}
				res, err := register.Find(p.img, register.Options{DPIHint: p.truth.Geometry.DPI})
				if err != nil {
					b.Fatal(err)
				}
				f, err := fs.get(p.truth.Template, p.truth.Revision)
				if err != nil {
					b.Fatal(err)
				}
				cs = append(cs, benchCase{want.mix + "-" + want.template, f, p, res})
				break docs
			}
		}
		if len(cs) == n {
			b.Fatalf("no 300 dpi %s %s page in the committed corpus", want.mix, want.template)
		}
	}
	return cs
}

type benchCase struct {
	name string
	form *Form
	page scannedPage
	reg  register.Result
}

// BenchmarkPage is the marks stage of one page: warp, normalise, drop out
// and read every checkbox, signature and PIN field (the form's mask is
// built once per template, outside the loop, as a pipeline would).
func BenchmarkPage(b *testing.B) {
	for _, c := range benchPages(b) {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.form.Read(c.form.Ink(c.page.img, c.reg.Transform))
			}
		})
	}
}

func BenchmarkWarp(b *testing.B) {
	c := benchPages(b)[0]
	p, res := c.page, c.reg
	b.ReportAllocs()
	for b.Loop() {
		Warp(p.img, res.Transform, 0)
	}
}

func BenchmarkNormalize(b *testing.B) {
	c := benchPages(b)[0]
	p, res := c.page, c.reg
	w := Warp(p.img, res.Transform, 0)
	page := *w
	page.Pix = make([]uint8, len(w.Pix))
	b.ReportAllocs()
	for b.Loop() {
		copy(page.Pix, w.Pix)
		Normalize(&page)
	}
}

func BenchmarkDropOut(b *testing.B) {
	c := benchPages(b)[0]
	f, p, res := c.form, c.page, c.reg
	w := Warp(p.img, res.Transform, 0)
	Normalize(w)
	b.ReportAllocs()
	for b.Loop() {
		f.mask.DropOut(w)
	}
}

func BenchmarkRead(b *testing.B) {
	for _, c := range benchPages(b) {
		b.Run(c.name, func(b *testing.B) {
			ink := c.form.Ink(c.page.img, c.reg.Transform)
			b.ReportAllocs()
			for b.Loop() {
				c.form.Read(ink)
			}
		})
	}
}

// BenchmarkNewForm is the once-per-template cost: render the blank form and
// build its drop-out mask.
func BenchmarkNewForm(b *testing.B) {
	f := benchPages(b)[1].form
	fs := newForms(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewForm(fs.renderer, f.Template, 0); err != nil {
			b.Fatal(err)
		}
	}
}
