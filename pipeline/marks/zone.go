package marks

import (
	"image"
	"math"

	"shinsei/templates"
)

// inkBelow: a normalised pixel darker than this is ink. Pens scan at
// 10–110 after normalisation, a grey seal at up to ~160; paper sits at 255
// with noise that never reaches this far.
const inkBelow = 170

// zone is one rectangle of the ink page, thresholded and split into
// 8-connected components. The page is a canvas: its Bounds().Min is the
// page's top-left corner and its width is the page's (A4) width.
type zone struct {
	r       image.Rectangle // image pixels
	origin  image.Point     // the page's top-left corner in image pixels
	w, h    int
	pxPerMM float64
	lab     []int32 // component index + 1, 0 for paper
	comps   []comp
	dust    []bool // per component
}

// comp is one connected piece of ink.
type comp struct {
	area                   int
	minX, minY, maxX, maxY int // zone pixels, inclusive
}

// extentMM is the longer side of the component's bounding box.
func (c comp) extentMM(pxPerMM float64) float64 {
	return float64(max(c.maxX-c.minX, c.maxY-c.minY)+1) / pxPerMM
}

// Dust: specks of toner and dirt are at most ~0.9 mm across after blur,
// and round; the smallest deliberate stroke (a short tick arm cut by the
// frame) is longer or, if as short, thin. A round blob up to speckMaxMM is
// taken for dust too: nobody marks a box with a dot that small, and scans
// have specks that large.
const (
	dustExtentMM = 1.2
	speckMaxMM   = 1.8
	speckCompact = 0.5 // area over bounding-box area of a round speck (π/4 for a disc)
)

func (c comp) isDust(pxPerMM float64) bool {
	e := c.extentMM(pxPerMM)
	if e < dustExtentMM {
		return true
	}
	box := float64((c.maxX - c.minX + 1) * (c.maxY - c.minY + 1))
	return e < speckMaxMM && float64(c.area) >= speckCompact*box
}

// pxPerMM is the canvas resolution, from the page width (canvases are A4).
func pxPerMMOf(img *image.Gray) float64 {
	return float64(img.Rect.Dx()) / templates.PageWidthMM
}

// rectPx converts a box in mm to image pixels of a canvas (pixel x covers
// [x, x+1)/pxPerMM mm from the page's edge), clipped to the image.
func rectPx(img *image.Gray, b templates.Box, pxPerMM float64) image.Rectangle {
	return mmToRect(b, pxPerMM).Add(img.Rect.Min).Intersect(img.Rect)
}

func mmToRect(b templates.Box, pxPerMM float64) image.Rectangle {
	return image.Rect(
		int(math.Round(b.X*pxPerMM)), int(math.Round(b.Y*pxPerMM)),
		int(math.Round((b.X+b.W)*pxPerMM)), int(math.Round((b.Y+b.H)*pxPerMM)),
	)
}

// inset shrinks b by d mm on every side (never past its centre).
func inset(b templates.Box, d float64) templates.Box {
	d = math.Min(d, math.Min(b.W, b.H)/2-0.01)
	return templates.Box{X: b.X + d, Y: b.Y + d, W: b.W - 2*d, H: b.H - 2*d}
}

// newZone thresholds box b (mm) of the ink page and labels its components.
func newZone(img *image.Gray, b templates.Box) *zone {
	pxPerMM := pxPerMMOf(img)
	r := rectPx(img, b, pxPerMM)
	z := &zone{r: r, origin: img.Rect.Min, w: r.Dx(), h: r.Dy(), pxPerMM: pxPerMM}
	n := z.w * z.h
	z.lab = make([]int32, n)
	// Ink is marked -1 first; labelling replaces it with the component.
	for y := range z.h {
		off := img.PixOffset(r.Min.X, r.Min.Y+y)
		lab := z.lab[y*z.w : (y+1)*z.w]
		for x, v := range img.Pix[off : off+z.w] {
			if v < inkBelow {
				lab[x] = -1
			}
		}
	}
	var stack []int32
	for i := range n {
		if z.lab[i] != -1 {
			continue
		}
		id := int32(len(z.comps) + 1)
		c := comp{minX: z.w, minY: z.h, maxX: -1, maxY: -1}
		z.lab[i] = id
		stack = append(stack[:0], int32(i))
		for len(stack) > 0 {
			p := int(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			x, y := p%z.w, p/z.w
			c.area++
			c.minX, c.maxX = min(c.minX, x), max(c.maxX, x)
			c.minY, c.maxY = min(c.minY, y), max(c.maxY, y)
			for yy := max(0, y-1); yy <= min(z.h-1, y+1); yy++ {
				for xx := max(0, x-1); xx <= min(z.w-1, x+1); xx++ {
					if q := yy*z.w + xx; z.lab[q] == -1 {
						z.lab[q] = id
						stack = append(stack, int32(q))
					}
				}
			}
		}
		z.comps = append(z.comps, c)
		z.dust = append(z.dust, c.isDust(pxPerMM))
	}
	return z
}

// mmRect converts a box in mm to zone pixel bounds, clipped.
func (z *zone) mmRect(b templates.Box) image.Rectangle {
	return mmToRect(b, z.pxPerMM).Add(z.origin).Sub(z.r.Min).Intersect(image.Rect(0, 0, z.w, z.h))
}

// real reports whether the pixel at zone index i is ink of a component
// that is not dust.
func (z *zone) real(i int) bool {
	l := z.lab[i]
	return l > 0 && !z.dust[l-1]
}
