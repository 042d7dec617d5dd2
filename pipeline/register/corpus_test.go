package register_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"shinsei/internal/scangen"
	"shinsei/pipeline/register"
	"shinsei/templates"
)

// On the committed synthetic corpus (testdata/corpus: clean, standard and
// hard scans in every file format), registration agrees with the
// generator's ground truth: the orientation, the template named by the QR
// code, and the position of every field corner to within 1 mm. Two pieces
// written apart (the damage model and the finder) check each other here.
func TestCommittedCorpus(t *testing.T) {
	truths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "corpus", "*", "*.truth.json"))
	if err != nil || len(truths) == 0 {
		t.Fatalf("no committed corpus (%v)", err)
	}
	reg := templates.Builtin()
	worst := 0.0
	for _, tf := range truths {
		data, err := os.ReadFile(tf)
		if err != nil {
			t.Fatal(err)
		}
		var truth scangen.Truth
		if err := json.Unmarshal(data, &truth); err != nil {
			t.Fatal(err)
		}
		file, err := os.ReadFile(filepath.Join(filepath.Dir(tf), truth.File))
		if err != nil {
			t.Fatal(err)
		}
		imgs, err := scangen.DecodeFile(truth.File, file)
		if err != nil {
			t.Fatal(err)
		}
		if len(imgs) != len(truth.Pages) {
			t.Fatalf("%s: %d pages, truth has %d", truth.File, len(imgs), len(truth.Pages))
		}
		for i, pt := range truth.Pages {
			img := imgs[i]
			res, err := register.Find(img, register.Options{DPIHint: pt.Geometry.DPI})
			if err != nil {
				t.Errorf("%s page %d (%s): %v", truth.File, i+1, truth.Mix, err)
				continue
			}
			if res.Rotation != pt.Geometry.Rotation {
				t.Errorf("%s page %d: rotation %d, truth %d", truth.File, i+1, res.Rotation, pt.Geometry.Rotation)
			}
			qr, err := register.DecodeQR(img, res)
			if err != nil {
				t.Errorf("%s page %d: QR: %v", truth.File, i+1, err)
			} else if qr.Template != pt.Template || qr.Revision != pt.Revision || qr.CaseRef != pt.CaseRef {
				t.Errorf("%s page %d: QR %+v, truth %s@%d case %q", truth.File, i+1, qr, pt.Template, pt.Revision, pt.CaseRef)
			}
			tp, err := reg.Get(pt.Template, pt.Revision)
			if err != nil {
				t.Fatal(err)
			}
			m := pt.Geometry.MMToPx
			for _, f := range tp.Fields {
				b := f.Box
				for _, c := range []templates.PointMM{{X: b.X, Y: b.Y}, {X: b.X + b.W, Y: b.Y}, {X: b.X, Y: b.Y + b.H}, {X: b.X + b.W, Y: b.Y + b.H}} {
					got := res.Transform.Apply(c)
					// The truth puts pixel centres at half-integers, register
					// at integers.
					wx, wy := m[0]*c.X+m[1]*c.Y+m[2]-0.5, m[3]*c.X+m[4]*c.Y+m[5]-0.5
					d := templates.PxToMM(math.Hypot(got.X-wx, got.Y-wy), pt.Geometry.DPI)
					worst = max(worst, d)
					if d > 1 {
						t.Errorf("%s page %d: %s corner off by %.2f mm", truth.File, i+1, f.ID, d)
					}
				}
			}
		}
	}
	t.Logf("%d files; worst field-corner error %.3f mm", len(truths), worst)
}
