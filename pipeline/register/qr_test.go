package register_test

import (
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/pipeline/register"
)

// The answer sheet of case 9262-9944-5 holds a QR code that gozxing's
// detector cannot read even unscanned (its data fools the search for the
// finder and alignment patterns; TestProxyFlow drew that case in CI and the
// sheet was matched by its printed reference instead). Every module is
// where the marks say, so it is read there.
func TestDecodeQRDetectorFooled(t *testing.T) {
	g, err := scangen.New(scangen.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 12, 3, 0, 0, 0, 0, forms.Japan())
	const ref = "9262-9944-5"
	for _, mix := range []scanfx.Mix{scanfx.Clean, scanfx.Standard} {
		t.Run(mix.String(), func(t *testing.T) {
			doc, err := g.Answer(scangen.Case{Ref: ref, Name: "山田 誠", Address: "東京都練馬区豊玉北6丁目12番1号",
				Birth: time.Date(1985, 4, 12, 0, 0, 0, 0, forms.Japan()), Certs: []string{forms.CertSignature, forms.CertUser}, ProxyName: "山田 花子"},
				scangen.AnswerOptions{Mix: mix, Seed: 5, Format: "png", AnswerDate: day, Today: day})
			if err != nil {
				t.Fatal(err)
			}
			imgs, err := scangen.DecodeFile(doc.Name, doc.Data)
			if err != nil {
				t.Fatal(err)
			}
			res, err := register.Find(imgs[0], register.Options{})
			if err != nil {
				t.Fatal(err)
			}
			qr, err := register.DecodeQR(imgs[0], res)
			if err != nil {
				t.Fatalf("DecodeQR: %v", err)
			}
			if qr.Template != "jpki-answer" || qr.CaseRef != ref {
				t.Errorf("read %+v, want jpki-answer for case %s", qr, ref)
			}
		})
	}
}
