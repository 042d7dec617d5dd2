package marks

import (
	"testing"

	"shinsei/pipeline/register"
)

// Every page of the committed corpus (every mix and format) looks like its
// own form and clearly unlike the other two: what lets the pipeline tell a
// form whose QR code is blotted out.
func TestLikenessTellsFormsApart(t *testing.T) {
	fs := newForms(t)
	ids := []string{"jpki-application", "jpki-answer", "jpki-revocation"}
	lowest, highestOther := 1.0, -1.0
	for _, mix := range []string{"clean", "standard", "hard"} {
		for _, d := range loadCommitted(t, mix) {
			for _, p := range pagesOf(t, d) {
				res, err := register.Find(p.img, register.Options{DPIHint: p.truth.Geometry.DPI})
				if err != nil {
					t.Fatal(err)
				}
				own, err := fs.get(p.truth.Template, p.truth.Revision)
				if err != nil {
					t.Fatal(err)
				}
				page := own.Canvas(p.img, res.Transform)
				right := own.Likeness(page)
				lowest = min(lowest, right)
				for _, id := range ids {
					if id == p.truth.Template {
						continue
					}
					f, err := fs.get(id, 1)
					if err != nil {
						t.Fatal(err)
					}
					other := f.Likeness(page)
					highestOther = max(highestOther, other)
					if right < IdentifyMin || right-other < IdentifyMargin {
						t.Errorf("%s page %d (%s): likeness %.2f to its own form, %.2f to %s", p.doc, p.index+1, mix, right, other, id)
					}
				}
			}
		}
	}
	t.Logf("own form: lowest %.2f; other forms: highest %.2f", lowest, highestOther)
}
