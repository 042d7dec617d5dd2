package decode

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// walkPDF decodes the scanned image of every page.
//
// Which image: a scanner draws one image per page, but a PDF may also hold
// logos, thumbnails, or (from some multifunction printers) the page cut
// into horizontal strips. The page's content stream says what is drawn
// where, so it is read (just q/Q/cm/Do, see scanContent): strips that tile
// the page top to bottom at one width are stacked back into one image;
// otherwise the largest image drawn is the scan. If the content stream
// cannot be read, the largest image in the page's resources is used.
func (d *walker) walkPDF() error {
	xt, err := readPDF(d.ctx, d.data)
	if err != nil {
		if ctxErr := d.ctx.Err(); ctxErr != nil {
			return fmt.Errorf("decode %s: %w", d.name, ctxErr)
		}
		return toError(d.name, 0, err)
	}
	pages, n, declared, err := pageLeaves(xt, d.lim.MaxPages)
	switch {
	case err != nil:
		return toError(d.name, 0, pdfProblem(d.data, err))
	case n <= 0 && declared > 0:
		return toError(d.name, 0, pdfProblem(d.data, fmt.Errorf("the page tree claims %d pages and holds none", declared)))
	case n <= 0:
		return toError(d.name, 0, newProblem(ErrNoImage, nil, "PDFにページがありません / the PDF has no pages", adviceNoImage))
	case n > d.lim.MaxPages:
		return toError(d.name, 0, newProblem(ErrTooLarge, nil,
			fmt.Sprintf("ページ数が%dで、上限の%dを超えています / the file has %d pages, more than the limit of %d", n, d.lim.MaxPages, n, d.lim.MaxPages), adviceSplitPages))
	}
	for i, pg := range pages {
		nr := i + 1
		if err := d.next(); err != nil {
			return err
		}
		var plan renderPlan
		p, err := safely(func() (Page, error) {
			p, pl, err := pdfPage(xt, pg, nr, d.lim)
			plan = pl
			return p, err
		})
		if plan.needed && err == nil {
			p, err = d.renderPDFPage(nr, plan)
			if ctxErr := d.ctx.Err(); ctxErr != nil {
				return fmt.Errorf("decode %s: %w", d.name, ctxErr)
			}
		}
		if err := d.emit(nr, p, err); err != nil {
			return err
		}
	}
	return nil
}

// pdfConfig is built by hand: model.NewDefaultConfiguration reads (and
// creates) a config.yml in the user's home directory, which must not
// change how a server decodes files.
func pdfConfig() *model.Configuration {
	return &model.Configuration{
		Version:  model.VersionStr,
		Reader15: true,
		// Relaxed is what makes real-world scanner output readable.
		ValidationMode: model.ValidationRelaxed,
		Offline:        true,
		Limits:         model.DefaultResourceLimits(),
		Cmd:            model.EXTRACTIMAGES,
	}
}

// readPDF parses the file's structure. Streams are not decoded here;
// pdfcpu's validation pass is skipped because it rejects files viewers
// open happily, and a page that really is broken fails on its own.
func readPDF(ctx context.Context, data []byte) (xt *model.XRefTable, err error) {
	defer func() {
		if r := recover(); r != nil {
			xt, err = nil, pdfProblem(data, fmt.Errorf("pdfcpu panic: %v", r))
		}
	}()
	pc, err := pdfcpu.ReadWithContext(ctx, bytes.NewReader(data), pdfConfig())
	if err != nil {
		return nil, pdfProblem(data, err)
	}
	return pc.XRefTable, nil
}

// pdfProblem explains why a PDF could not be opened at all.
func pdfProblem(data []byte, err error) error {
	switch {
	case errors.Is(err, pdfcpu.ErrWrongPassword), hasEncryptDict(data):
		return newProblem(ErrEncrypted, err, "PDFがパスワードで保護（暗号化）されています / the PDF is protected with a password (encrypted)", adviceNoPassword)
	case !bytes.Contains(data[max(0, len(data)-2048):], []byte("%%EOF")):
		return newProblem(ErrTruncated, err, "PDFが途中で切れています（終わりの印の前で終わっています） / the PDF is cut short (it ends before its end marker)", adviceResend)
	}
	return newProblem(ErrCorrupt, err, "PDFが壊れていて読み取れません / the PDF is damaged and cannot be read", adviceResend)
}

// hasEncryptDict looks for the trailer's /Encrypt entry. It is a byte
// search, good enough to word an error for a file pdfcpu already refused.
func hasEncryptDict(data []byte) bool {
	i := bytes.LastIndex(data, []byte("/Encrypt"))
	return i >= 0 && (i+8 >= len(data) || !isRegular(data[i+8]))
}

func isRegular(c byte) bool { return !isSpace(c) && !isDelim(c) }

// placed is an image XObject and where it is drawn.
type placed struct {
	sd    *types.StreamDict
	w, h  int
	ctm   matrix // image space (unit square) to default user space
	drawn bool   // ctm comes from the content stream
}

// pdfPage decodes the page's scan natively, or returns a plan to have the
// page drawn by a PDF renderer when that is the only faithful way to see it
// (see needsRenderer).
func pdfPage(xt *model.XRefTable, pg pdfPageRef, nr int, lim Limits) (Page, renderPlan, error) {
	attrs := &pg.attrs
	imgs := drawnImages(xt, pg.dict, attrs.Resources, nr)
	if len(imgs) == 0 {
		imgs = resourceImages(xt, attrs.Resources)
	}
	if len(imgs) == 0 {
		return Page{}, renderPlan{}, newProblem(ErrNoImage, nil, "ページにスキャン画像がありません（文字だけのPDFかもしれません） / the page has no scanned image (it may be a text-only PDF)", adviceNoImage)
	}
	strip := strips(imgs)
	if why := needsRenderer(imgs, strip != nil); why != "" {
		plan, err := planRender(xt, imgs, attrs, why, lim)
		return Page{}, plan, err
	}

	var (
		g      *grayResult
		chosen placed
		err    error
	)
	if strip != nil {
		g, err = decodeStrips(xt, strip, lim)
		chosen = strip[0]
		chosen.ctm = stripsCTM(strip)
	} else {
		chosen = largest(imgs)
		g, err = decodeImageXObject(xt, chosen.sd, chosen.w, chosen.h, lim)
	}
	if errors.Is(err, ErrUnsupportedCodec) {
		// What this decoder cannot read (a colour space or filter it does
		// not know), a full renderer may.
		plan, perr := planRender(xt, imgs, attrs, "unsupported", lim)
		if perr != nil {
			return Page{}, renderPlan{}, err
		}
		return Page{}, plan, nil
	}
	if err != nil {
		return Page{}, renderPlan{}, err
	}
	// The decoded size is authoritative (a JPEG's own header wins over the
	// image dictionary).
	chosen.w, chosen.h = g.img.Rect.Dx(), g.img.Rect.Dy()
	o, dpi := pdfOrientation(chosen, attrs)
	img := o.apply(g.img)
	return Page{Image: img, DPI: dpi, Source: g.source}, renderPlan{}, nil
}

// drawnImages lists the images the page's content stream paints, looking
// into form XObjects (some producers wrap the scan in one).
func drawnImages(xt *model.XRefTable, pageDict, res types.Dict, nr int) []placed {
	content, err := xt.PageContent(pageDict, nr)
	if err != nil || len(content) == 0 {
		return nil // the caller falls back to the resources
	}
	var out []placed
	var visit func(content []byte, res types.Dict, ctm matrix, depth int)
	visit = func(content []byte, res types.Dict, ctm matrix, depth int) {
		xobjs := dictEntry(xt, res, "XObject")
		for _, op := range scanContent(content, ctm) {
			o, ok := xobjs.Find(op.name)
			if !ok {
				continue
			}
			sd, _, err := xt.DereferenceStreamDict(o)
			if err != nil || sd == nil {
				continue
			}
			switch st := sd.Subtype(); {
			case st != nil && *st == "Image":
				w, h := intEntry(xt, sd.Dict, "Width", 0), intEntry(xt, sd.Dict, "Height", 0)
				out = append(out, placed{sd: sd, w: w, h: h, ctm: op.ctm, drawn: true})
			case st != nil && *st == "Form" && depth < 3:
				if err := sd.DecodeWithLimit(xt.Conf.Limits.MaxDecodeBytes); err != nil {
					continue
				}
				m := identity()
				if a := arrayNumbers(xt, sd.Dict, "Matrix"); len(a) == 6 {
					m = matrix(a)
				}
				fres := dictEntry(xt, sd.Dict, "Resources")
				if fres == nil {
					fres = res
				}
				visit(sd.Content, fres, m.mul(op.ctm), depth+1)
			}
		}
	}
	visit(content, res, identity(), 0)
	return out
}

// resourceImages lists the image XObjects in the page's resources, and in
// those of its form XObjects one level down, for pages whose content
// stream could not be read.
func resourceImages(xt *model.XRefTable, res types.Dict) []placed {
	var out []placed
	var visit func(res types.Dict, depth int)
	visit = func(res types.Dict, depth int) {
		xobjs := dictEntry(xt, res, "XObject")
		// Sorted so that equal-sized images are chosen the same way every run.
		for _, name := range slices.Sorted(maps.Keys(xobjs)) {
			sd, _, err := xt.DereferenceStreamDict(xobjs[name])
			if err != nil || sd == nil {
				continue
			}
			switch st := sd.Subtype(); {
			case st != nil && *st == "Image":
				w, h := intEntry(xt, sd.Dict, "Width", 0), intEntry(xt, sd.Dict, "Height", 0)
				out = append(out, placed{sd: sd, w: w, h: h, ctm: identity()})
			case st != nil && *st == "Form" && depth == 0:
				visit(dictEntry(xt, sd.Dict, "Resources"), depth+1)
			}
		}
	}
	visit(res, 0)
	return out
}

// largest picks the image with the most pixels, the first drawn on a tie.
func largest(imgs []placed) placed {
	best := imgs[0]
	for _, p := range imgs[1:] {
		if int64(p.w)*int64(p.h) > int64(best.w)*int64(best.h) {
			best = p
		}
	}
	return best
}

// strips returns imgs sorted top to bottom if they are one scan cut into
// horizontal bands: at least two distinct images, drawn upright, all the
// same pixel width at the same horizontal position and scale, each band's
// top meeting the previous band's bottom. Otherwise nil.
func strips(imgs []placed) []placed {
	if len(imgs) < 2 {
		return nil
	}
	seen := map[*types.StreamDict]bool{}
	first := imgs[0]
	tol := math.Max(1, 0.01*first.ctm[0]) // points
	for _, p := range imgs {
		m := p.ctm
		if !p.drawn || seen[p.sd] || p.w != first.w || p.w <= 0 || p.h <= 0 ||
			m[0] <= 0 || m[3] <= 0 || math.Abs(m[1]) > 1e-6*m[0] || math.Abs(m[2]) > 1e-6*m[3] ||
			math.Abs(m[0]-first.ctm[0]) > tol || math.Abs(m[4]-first.ctm[4]) > tol {
			return nil
		}
		seen[p.sd] = true
	}
	s := slices.Clone(imgs)
	// PDF's y axis points up: the top band has the highest top edge.
	slices.SortStableFunc(s, func(a, b placed) int {
		return cmp.Compare(b.ctm[5]+b.ctm[3], a.ctm[5]+a.ctm[3])
	})
	for i := 1; i < len(s); i++ {
		if math.Abs(s[i].ctm[5]+s[i].ctm[3]-s[i-1].ctm[5]) > tol {
			return nil
		}
	}
	return s
}

// stripsCTM is where the stacked strips are drawn, as one image.
func stripsCTM(s []placed) matrix {
	top, bottom := s[0], s[len(s)-1]
	m := top.ctm
	m[5] = bottom.ctm[5]
	m[3] = top.ctm[5] + top.ctm[3] - bottom.ctm[5]
	return m
}

// decodeStrips decodes each band and stacks them. The pixel limit applies
// to the whole page, before any band is decoded.
func decodeStrips(xt *model.XRefTable, s []placed, lim Limits) (*grayResult, error) {
	total := 0
	for _, p := range s {
		total += p.h
	}
	if err := checkPixels(s[0].w, total, lim); err != nil {
		return nil, err
	}
	// A JPEG band's own header may disagree with its dictionary, so the
	// page is assembled from the decoded bands rather than preallocated.
	var (
		bands []*grayResult
		h     int
	)
	for _, p := range s {
		g, err := decodeImageXObject(xt, p.sd, p.w, p.h, lim)
		if err != nil {
			return nil, err
		}
		if g.img.Rect.Dx() != s[0].w {
			return nil, newProblem(ErrCorrupt, nil, "ページの画像の帯がつながりません / the page's image strips do not fit together", adviceRescan)
		}
		bands = append(bands, g)
		h += g.img.Rect.Dy()
		if err := checkPixels(s[0].w, h, lim); err != nil {
			return nil, err
		}
	}
	out := &grayResult{img: imageNewGray(s[0].w, h), source: bands[0].source}
	off := 0
	for _, b := range bands {
		off += copy(out.img.Pix[off:], b.img.Pix)
	}
	return out, nil
}

// pdfOrientation works out how the image appears on the displayed page —
// its drawing matrix and the page's /Rotate together — and the resolution
// across the page as shown.
func pdfOrientation(p placed, attrs *model.InheritedPageAttrs) (orientation, float64) {
	rot := ((attrs.Rotate % 360) + 360) % 360
	m := p.ctm
	if !p.drawn {
		m = matrix{float64(p.w), 0, 0, float64(p.h), 0, 0}
		if mb := attrs.MediaBox; mb != nil {
			m = matrix{mb.Width(), 0, 0, mb.Height(), 0, 0}
		}
	}
	// Image column index i grows along (a,b); row index j grows downward
	// in the image, i.e. along −(c,d), because row 0 is the top of the
	// unit square.
	toDisplay := func(x, y float64) (float64, float64) {
		switch rot {
		case 90:
			return y, x
		case 180:
			return -x, y
		case 270:
			return -y, -x
		}
		return x, -y // screen Y points down
	}
	ix, iy := toDisplay(m[0], m[1])
	jx, jy := toDisplay(-m[2], -m[3])
	var o orientation
	if math.Abs(iy) > math.Abs(ix) {
		o = orientation{transpose: true, flipI: iy < 0, flipJ: jx < 0}
	} else {
		o = orientation{flipI: ix < 0, flipJ: jy < 0}
	}
	// Resolution across the displayed page: the image axis that runs
	// along the display's X.
	px, pt := float64(p.w), math.Hypot(m[0], m[1])
	if o.transpose {
		px, pt = float64(p.h), math.Hypot(m[2], m[3])
	}
	dpi := 0.0
	if pt > 0 {
		dpi = roundDPI(px / (pt / 72))
	}
	return o, dpi
}

// dictEntry returns d[key] as a dictionary, nil if absent or not one.
func dictEntry(xt *model.XRefTable, d types.Dict, key string) types.Dict {
	if d == nil {
		return nil
	}
	o, ok := d.Find(key)
	if !ok || o == nil {
		return nil
	}
	dd, err := xt.DereferenceDict(o)
	if err != nil {
		return nil
	}
	return dd
}

// intEntry returns d[key] as an integer (a real is truncated, as some
// writers emit "612.0"), def if absent or not a number.
func intEntry(xt *model.XRefTable, d types.Dict, key string, def int) int {
	if d == nil {
		return def
	}
	o, ok := d.Find(key)
	if !ok || o == nil {
		return def
	}
	o, err := xt.Dereference(o)
	if err != nil {
		return def
	}
	switch v := o.(type) {
	case types.Integer:
		return v.Value()
	case types.Float:
		return int(v.Value())
	case types.Boolean:
		if v.Value() {
			return 1
		}
		return 0
	}
	return def
}

func boolEntry(xt *model.XRefTable, d types.Dict, key string) bool {
	if d == nil {
		return false
	}
	o, ok := d.Find(key)
	if !ok || o == nil {
		return false
	}
	o, err := xt.Dereference(o)
	if err != nil {
		return false
	}
	b, ok := o.(types.Boolean)
	return ok && b.Value()
}

// arrayNumbers returns d[key] as numbers; nil if absent or not all numbers.
func arrayNumbers(xt *model.XRefTable, d types.Dict, key string) []float64 {
	if d == nil {
		return nil
	}
	o, ok := d.Find(key)
	if !ok || o == nil {
		return nil
	}
	a, err := xt.DereferenceArray(o)
	if err != nil {
		return nil
	}
	out := make([]float64, 0, len(a))
	for _, e := range a {
		v, err := xt.DereferenceNumber(e)
		if err != nil {
			return nil
		}
		out = append(out, v)
	}
	return out
}
