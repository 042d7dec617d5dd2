// Package pdfout writes page images as PDF and reads them back.
//
// Scans are archived as PDF because that is what city-hall staff open,
// print and hand to auditors; the pipeline itself works on pixels. This
// package is the seam between the two: Write turns page images into a PDF
// whose pages print at true physical size, and PageImages turns a PDF back
// into one image per page.
//
// Archive keys are content addressed, so Write is deterministic: the same
// pages give the same bytes on every run and every machine (see stable.go).
package pdfout

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"strconv"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/fault"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Page is one page to write.
type Page struct {
	// Exactly one of Image or JPEG is set.
	//
	// Image: an *image.Gray is stored as 8-bit DeviceGray, or as 1-bit
	// DeviceGray when it holds only 0 and 255 (a bilevel scan); an
	// *image.Paletted with at most 2 colours is stored as 1-bit. Anything
	// else is stored as 8-bit gray if every pixel is gray, else as 8-bit RGB
	// (composited over white, 16-bit samples reduced to 8). All of these are
	// lossless except the 16-to-8-bit reduction.
	Image image.Image
	// JPEG holds already-encoded JPEG bytes, embedded as they are
	// (DCTDecode): re-encoding would lose quality and determinism.
	JPEG []byte
	// WidthMM and HeightMM are the physical page size; the image is
	// stretched to fill the page exactly (A4 = 210x297).
	WidthMM, HeightMM float64
}

// ErrNoPages is returned by Write for an empty page list: a PDF without
// pages is not a document anyone can open.
var ErrNoPages = errors.New("pdfout: no pages")

// Write writes pages as a PDF to w, one page per Page, each page's image
// filling its MediaBox. The output is byte-identical for identical input.
//
// The whole file is built in memory first, because making it deterministic
// means patching bytes pdfcpu has already written; nothing reaches w unless
// the file is complete.
func Write(w io.Writer, pages []Page) (err error) {
	// pdfcpu reports some failures by panicking with fault.Panic.
	defer fault.Catch(&err)

	if len(pages) == 0 {
		return ErrNoPages
	}
	for i := range pages {
		if err := pages[i].check(); err != nil {
			return fmt.Errorf("pdfout: page %d: %w", i+1, err)
		}
	}

	conf := newConfig()
	ctx, pagesDict, pagesRef, err := newDocument(conf)
	if err != nil {
		return fmt.Errorf("pdfout: create document: %w", err)
	}
	for i := range pages {
		if err := addPage(ctx, pagesDict, pagesRef, &pages[i]); err != nil {
			return fmt.Errorf("pdfout: page %d: %w", i+1, err)
		}
	}

	var buf bytes.Buffer
	if err := api.WriteContext(ctx, &buf); err != nil {
		return fmt.Errorf("pdfout: write PDF: %w", err)
	}
	out := buf.Bytes()
	if err := stabilize(out); err != nil {
		return fmt.Errorf("pdfout: make output deterministic: %w", err)
	}
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("pdfout: %w", err)
	}
	return nil
}

func (p *Page) check() error {
	switch {
	case p.Image == nil && p.JPEG == nil:
		return errors.New("neither Image nor JPEG is set")
	case p.Image != nil && p.JPEG != nil:
		return errors.New("both Image and JPEG are set")
	case p.Image != nil && p.Image.Bounds().Empty():
		return errors.New("image is empty")
	}
	if !(p.WidthMM > 0 && p.HeightMM > 0) || math.IsInf(p.WidthMM, 0) || math.IsInf(p.HeightMM, 0) {
		return fmt.Errorf("invalid page size %gx%g mm", p.WidthMM, p.HeightMM)
	}
	return nil
}

// newConfig returns the pdfcpu configuration for reading and writing.
//
// It is built here rather than by model.NewDefaultConfiguration, which
// creates and then obeys a config.yml in the user's config directory: a
// file on one machine must not change the bytes written on another, and a
// library has no business writing to $HOME.
func newConfig() *model.Configuration {
	return &model.Configuration{
		Version:  model.VersionStr,
		Reader15: true,
		// Relaxed is what makes real-world scanner output readable.
		ValidationMode:            model.ValidationRelaxed,
		UnsupportedResourcePolicy: model.UnsupportedResourceFail,
		Eol:                       types.EolLF,
		// A classic xref table and no object streams keep the Info dict and
		// the trailer in plain text, where stabilize can patch them.
		WriteObjectStream: false,
		WriteXRefStream:   false,
		Unit:              types.POINTS,
		Offline:           true,
		Limits:            model.DefaultResourceLimits(),
		Cmd:               model.CREATE,
	}
}

func newDocument(conf *model.Configuration) (*model.Context, types.Dict, *types.IndirectRef, error) {
	xt, err := pdfcpu.CreateXRefTableWithRootDict()
	if err != nil {
		return nil, nil, nil, err
	}
	root, err := xt.Catalog()
	if err != nil {
		return nil, nil, nil, err
	}
	pagesDict := types.Dict{
		"Type":  types.Name("Pages"),
		"Count": types.Integer(0),
		"Kids":  types.Array{},
	}
	pagesRef, err := xt.IndRefForNewObject(pagesDict)
	if err != nil {
		return nil, nil, nil, err
	}
	root.Insert("Pages", *pagesRef)
	return pdfcpu.CreateContext(xt, conf), pagesDict, pagesRef, nil
}

func addPage(ctx *model.Context, pagesDict types.Dict, pagesRef *types.IndirectRef, p *Page) error {
	var (
		sd  *types.StreamDict
		err error
	)
	if p.JPEG != nil {
		sd, err = jpegStream(p.JPEG)
	} else {
		sd, err = imageStream(p.Image)
	}
	if err != nil {
		return err
	}
	imgRef, err := ctx.IndRefForNewObject(*sd)
	if err != nil {
		return fmt.Errorf("add image: %w", err)
	}

	w, h := mmToPt(p.WidthMM), mmToPt(p.HeightMM)
	// Draw the unit-square image scaled to the whole page.
	content := []byte("q " + ptString(w) + " 0 0 " + ptString(h) + " 0 0 cm /Im0 Do Q\n")
	// Left uncompressed: it is a few dozen bytes, and readable in the file.
	n := int64(len(content))
	csd := types.StreamDict{
		Dict:         types.Dict{"Length": types.Integer(n)},
		StreamLength: &n,
		Raw:          content,
	}
	contentRef, err := ctx.IndRefForNewObject(csd)
	if err != nil {
		return fmt.Errorf("add content: %w", err)
	}

	pageDict := types.Dict{
		"Type":     types.Name("Page"),
		"Parent":   *pagesRef,
		"MediaBox": types.NewNumberArray(0, 0, w, h),
		"Resources": types.Dict{
			"XObject": types.Dict{"Im0": *imgRef},
		},
		"Contents": *contentRef,
	}
	pageRef, err := ctx.IndRefForNewObject(pageDict)
	if err != nil {
		return fmt.Errorf("add page: %w", err)
	}
	if err := model.AppendPageTree(pageRef, 1, pagesDict); err != nil {
		return fmt.Errorf("add page: %w", err)
	}
	ctx.PageCount++
	return nil
}

// mmToPt converts to PDF points, rounded to 1/10000 pt so that MediaBox
// and the content stream's matrix hold exactly the same number whatever
// precision each is printed with.
func mmToPt(mm float64) float64 {
	return math.Round(mm/25.4*72*1e4) / 1e4
}

func ptString(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}
