package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"

	"github.com/disintegration/imaging"

	"shinsei/pipeline/decode"
	"shinsei/templates"
)

// How pages and fields are shown: the page scaled to a screen's width, a
// field cropped with some of the form around it and zoomed so that
// handwriting is as large as on the paper held close.
const (
	pageWidthPx  = 900
	cropMarginMM = 3.0
	cropHeightPx = 110
	cropMaxWidth = 640
)

var outline = color.NRGBA{R: 0xd0, G: 0x10, B: 0x10, A: 0xff}

// pageImage decodes the archived page PDF (already redacted: only the
// archive's copy is ever shown) into its canvas image.
func pageImage(ctx context.Context, pdf []byte) (*image.Gray, error) {
	if len(pdf) == 0 {
		return nil, errors.New("no page image was archived")
	}
	pages, err := decode.Decode(ctx, "page.pdf", pdf, decode.Limits{MaxPages: 1})
	if err != nil {
		return nil, err
	}
	if len(pages) == 0 {
		return nil, errors.New("the archived page PDF holds no page")
	}
	if pages[0].Err != nil {
		return nil, fmt.Errorf("decoding the archived page: %w", pages[0].Err)
	}
	return pages[0].Image, nil
}

// pxBox is a template box in canvas pixels.
func pxBox(b templates.Box, marginMM float64) image.Rectangle {
	px := func(mm float64) int { return int(math.Round(templates.MMToPx(mm, templates.CanvasDPI))) }
	return image.Rect(px(b.X-marginMM), px(b.Y-marginMM), px(b.X+b.W+marginMM), px(b.Y+b.H+marginMM))
}

// outlinedPage is the page scaled for the screen with the flagged boxes
// drawn round in red, as a data: URL for an <img>.
func outlinedPage(img *image.Gray, flagged []templates.Box) (template.URL, error) {
	scaled := imaging.Resize(img, pageWidthPx, 0, imaging.Box)
	k := float64(scaled.Bounds().Dx()) / float64(img.Bounds().Dx())
	for _, b := range flagged {
		r := pxBox(b, 1)
		r = image.Rect(int(float64(r.Min.X)*k), int(float64(r.Min.Y)*k), int(float64(r.Max.X)*k), int(float64(r.Max.Y)*k))
		frame(scaled, r, 3)
	}
	return pngURL(scaled)
}

// frame draws a rectangle's edges, w pixels wide, inside r.
func frame(img draw.Image, r image.Rectangle, w int) {
	u := image.NewUniform(outline)
	for _, e := range []image.Rectangle{
		{r.Min, image.Pt(r.Max.X, r.Min.Y+w)}, {image.Pt(r.Min.X, r.Max.Y-w), r.Max},
		{r.Min, image.Pt(r.Min.X+w, r.Max.Y)}, {image.Pt(r.Max.X-w, r.Min.Y), r.Max},
	} {
		draw.Draw(img, e.Intersect(img.Bounds()), u, image.Point{}, draw.Src)
	}
}

// fieldCrop is box b with a margin of the form around it, zoomed to a
// fixed height (narrower when that would be too wide), as a data: URL.
func fieldCrop(img *image.Gray, b templates.Box) (template.URL, error) {
	r := pxBox(b, cropMarginMM).Intersect(img.Bounds())
	if r.Empty() {
		return "", errors.New("the field lies outside the page")
	}
	crop := imaging.Crop(img, r)
	w, h := crop.Bounds().Dx(), crop.Bounds().Dy()
	tw, th := w*cropHeightPx/h, cropHeightPx
	if tw > cropMaxWidth {
		tw, th = cropMaxWidth, h*cropMaxWidth/w
	}
	return pngURL(imaging.Resize(crop, tw, th, imaging.Lanczos))
}

func pngURL(img image.Image) (template.URL, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return "", err
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())), nil
}
