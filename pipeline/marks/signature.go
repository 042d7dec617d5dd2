package marks

import (
	"image"

	"shinsei/templates"
)

// SignatureResult says whether a signature zone was signed.
type SignatureResult struct {
	Present bool
	// Confidence in [0, 1] that Present is right.
	Confidence float64
	// Review is set when a person must look.
	Review bool
	// InkMM2 is the area of ink in the zone, dust discounted.
	InkMM2 float64
}

// sigFeatures are the measurements a signature decision rests on.
type sigFeatures struct {
	inkMM2    float64 // ink area of non-dust components
	longestMM float64 // extent of the largest component
	dustMM2   float64 // ink discounted as dust
}

// sigInsetMM keeps the reading clear of the frame and its drop-out band.
const sigInsetMM = 0.7

func measureSignature(ink *image.Gray, f templates.Field) sigFeatures {
	z := newZone(ink, inset(f.Box, sigInsetMM))
	var ft sigFeatures
	mm2 := 1 / (z.pxPerMM * z.pxPerMM)
	for i, c := range z.comps {
		if z.dust[i] {
			ft.dustMM2 += float64(c.area) * mm2
			continue
		}
		ft.inkMM2 += float64(c.area) * mm2
		ft.longestMM = max(ft.longestMM, c.extentMM(z.pxPerMM))
	}
	return ft
}

// Signature thresholds, set on the calibration corpora: an unsigned zone
// holds no ink once dust is discounted, the smallest signature (a quick
// scrawl) ~20 mm², with strokes of 6 mm or more. The band between goes to a
// person.
const (
	sigAbsentMM2  = 2.0
	sigPresentMM2 = 8.0
	sigStrokeMM   = 3.0
)

// Signature says whether a signature zone holds a signature, from the ink
// page (Form.Ink). A signature is a mass of ink made of strokes: names,
// scrawls and a name beside a grey seal all leave tens of square
// millimetres in strokes several millimetres long, while dust leaves
// specks, which are discounted. Whether the signature is the right
// person's is not this package's question.
func Signature(ink *image.Gray, f templates.Field) SignatureResult {
	ft := measureSignature(ink, f)
	r := SignatureResult{InkMM2: ft.inkMM2}
	switch {
	case ft.inkMM2 < sigAbsentMM2 && ft.longestMM < sigStrokeMM:
		r.Confidence = 0.99 - 0.3*ft.inkMM2/sigAbsentMM2
	case ft.inkMM2 >= sigPresentMM2 && ft.longestMM >= sigStrokeMM:
		r.Present = true
		r.Confidence = 0.9 + 0.09*clamp01((ft.inkMM2-sigPresentMM2)/sigPresentMM2)
	default:
		// A few strokes: a signature begun and abandoned, a stray line.
		r.Present = ft.inkMM2 >= (sigAbsentMM2+sigPresentMM2)/2
		r.Review = true
		r.Confidence = 0.5
	}
	return r
}
