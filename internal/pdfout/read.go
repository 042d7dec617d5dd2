package pdfout

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // pdfcpu renders non-gray Flate images as PNG
	"io"
	"maps"
	"slices"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/fault"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/image/tiff"
)

// PageImage is the main image of one PDF page.
type PageImage struct {
	// Image is the decoded image. DeviceGray images (1, 2, 4 or 8 bit)
	// decode to *image.Gray, so pixel operations need no conversion.
	Image image.Image
	// Filter is the stream's last (image) filter as written in the file,
	// e.g. "DCTDecode" or "FlateDecode"; "" for an unfiltered stream.
	Filter string
	// WidthMM and HeightMM are the page's MediaBox size.
	WidthMM, HeightMM float64
}

// ErrNoImage is returned (wrapped, naming the page) for a page that has no
// image XObject: a born-digital page, not a scan.
var ErrNoImage = errors.New("no image XObject")

// PageImages reads a PDF and returns the main image of every page: the
// image XObject with the most pixels among the page's resources (a
// scanner's one image per page, ignoring logos or thumbnails). Errors name
// the page and wrap pdfcpu's error.
func PageImages(r io.ReadSeeker) (_ []PageImage, err error) {
	defer fault.Catch(&err)

	conf := newConfig()
	conf.Cmd = model.EXTRACTIMAGES
	ctx, err := api.ReadAndValidate(r, conf)
	if err != nil {
		return nil, fmt.Errorf("pdfout: read PDF: %w", err)
	}
	out := make([]PageImage, 0, ctx.PageCount)
	for nr := 1; nr <= ctx.PageCount; nr++ {
		pi, err := pageImage(ctx, nr)
		if err != nil {
			return nil, fmt.Errorf("pdfout: page %d: %w", nr, err)
		}
		out = append(out, pi)
	}
	return out, nil
}

func pageImage(ctx *model.Context, nr int) (PageImage, error) {
	_, _, attrs, err := ctx.PageDict(nr, false)
	if err != nil {
		return PageImage{}, err
	}
	if attrs.MediaBox == nil {
		return PageImage{}, errors.New("no MediaBox")
	}
	sd, objNr, err := mainImage(ctx, attrs.Resources)
	if err != nil {
		return PageImage{}, err
	}
	img, filterName, err := decodeImage(ctx, sd, objNr)
	if err != nil {
		return PageImage{}, fmt.Errorf("image object %d: %w", objNr, err)
	}
	return PageImage{
		Image:    img,
		Filter:   filterName,
		WidthMM:  attrs.MediaBox.Width() / 72 * 25.4,
		HeightMM: attrs.MediaBox.Height() / 72 * 25.4,
	}, nil
}

// mainImage picks the largest image XObject in res. Form XObjects are
// searched one level deep because some producers wrap the scan in one.
func mainImage(ctx *model.Context, res types.Dict) (*types.StreamDict, int, error) {
	var (
		best   *types.StreamDict
		bestNr int
		bestPx int64
	)
	var visit func(res types.Dict, depth int) error
	visit = func(res types.Dict, depth int) error {
		if res == nil {
			return nil
		}
		xo, err := entry(ctx, res, "XObject")
		if err != nil || xo == nil {
			return err
		}
		xd, ok := xo.(types.Dict)
		if !ok {
			return fmt.Errorf("XObject resources are a %T", xo)
		}
		// Sorted so that equal-sized images are chosen the same way every run.
		for _, name := range slices.Sorted(maps.Keys(xd)) {
			o := xd[name]
			objNr := 0
			if ir, ok := o.(types.IndirectRef); ok {
				objNr = ir.ObjectNumber.Value()
			}
			sd, _, err := ctx.DereferenceStreamDict(o)
			if err != nil {
				return fmt.Errorf("XObject %s: %w", name, err)
			}
			if sd == nil {
				continue
			}
			switch st := sd.Subtype(); {
			case st != nil && *st == "Image":
				w, h, err := imageSize(ctx, sd)
				if err != nil {
					return fmt.Errorf("XObject %s: %w", name, err)
				}
				if px := int64(w) * int64(h); best == nil || px > bestPx {
					best, bestNr, bestPx = sd, objNr, px
				}
			case st != nil && *st == "Form" && depth == 0:
				fr, err := entry(ctx, sd.Dict, "Resources")
				if err != nil {
					return fmt.Errorf("XObject %s resources: %w", name, err)
				}
				if frd, ok := fr.(types.Dict); ok {
					if err := visit(frd, depth+1); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	if err := visit(res, 0); err != nil {
		return nil, 0, err
	}
	if best == nil {
		return nil, 0, ErrNoImage
	}
	return best, bestNr, nil
}

// entry returns d[key] dereferenced, or nil if d has no such key.
func entry(ctx *model.Context, d types.Dict, key string) (types.Object, error) {
	o, found := d.Find(key)
	if !found || o == nil {
		return nil, nil
	}
	o, err := ctx.Dereference(o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	return o, nil
}

func intEntry(ctx *model.Context, d types.Dict, key string) (int, error) {
	o, err := entry(ctx, d, key)
	if err != nil {
		return 0, err
	}
	i, ok := o.(types.Integer)
	if !ok {
		return 0, fmt.Errorf("%s is %v, want an integer", key, o)
	}
	return i.Value(), nil
}

func imageSize(ctx *model.Context, sd *types.StreamDict) (w, h int, err error) {
	if w, err = intEntry(ctx, sd.Dict, "Width"); err != nil {
		return 0, 0, err
	}
	if h, err = intEntry(ctx, sd.Dict, "Height"); err != nil {
		return 0, 0, err
	}
	if w <= 0 || h <= 0 {
		return 0, 0, fmt.Errorf("bad image size %dx%d", w, h)
	}
	return w, h, nil
}

// decodeImage turns an image stream into pixels. DCT and DeviceGray are
// decoded here, because pdfcpu renders gray images as RGBA PNGs; the rest
// goes through pdfcpu's renderer.
func decodeImage(ctx *model.Context, sd *types.StreamDict, objNr int) (image.Image, string, error) {
	var last string
	if n := len(sd.FilterPipeline); n > 0 {
		last = sd.FilterPipeline[n-1].Name
	}
	switch last {
	case filter.JPX, filter.JBIG2:
		return nil, last, fmt.Errorf("%s images are not supported", last)
	}

	// For DCT this undoes only the filters before it (pdfcpu leaves the
	// JPEG itself encoded unless it is CMYK), so Content is the JPEG file.
	if err := sd.DecodeWithLimit(ctx.Conf.Limits.MaxDecodeBytes); err != nil {
		return nil, last, fmt.Errorf("decode %s stream: %w", last, err)
	}
	if last == filter.DCT {
		// Check the size before allocating pixels: a small file can claim
		// a huge image.
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(sd.Content))
		if err != nil {
			return nil, last, fmt.Errorf("decode JPEG header: %w", err)
		}
		if px := int64(cfg.Width) * int64(cfg.Height); px > ctx.Conf.Limits.MaxImagePixels {
			return nil, last, fmt.Errorf("%dx%d JPEG exceeds the %d pixel limit", cfg.Width, cfg.Height, ctx.Conf.Limits.MaxImagePixels)
		}
		img, err := jpeg.Decode(bytes.NewReader(sd.Content))
		if err != nil {
			return nil, last, fmt.Errorf("decode JPEG: %w", err)
		}
		return img, last, nil
	}
	if img, ok, err := decodeGray(ctx, sd); ok || err != nil {
		return img, last, err
	}

	r, format, err := pdfcpu.RenderImage(ctx.XRefTable, sd, false, "", objNr)
	if err != nil {
		return nil, last, fmt.Errorf("render: %w", err)
	}
	var img image.Image
	switch format {
	case "png", "jpg":
		img, _, err = image.Decode(r)
	case "tif":
		img, err = tiff.Decode(r)
	default:
		err = fmt.Errorf("unexpected rendered format %q", format)
	}
	if err != nil {
		return nil, last, fmt.Errorf("decode rendered %s: %w", format, err)
	}
	return img, last, nil
}

// decodeGray decodes a DeviceGray image (no mask, no soft mask) from its
// decoded stream bytes. ok is false for anything else.
func decodeGray(ctx *model.Context, sd *types.StreamDict) (_ *image.Gray, ok bool, _ error) {
	cs, err := entry(ctx, sd.Dict, "ColorSpace")
	if err != nil {
		return nil, false, err
	}
	if n, isName := cs.(types.Name); !isName || n != model.DeviceGrayCS {
		return nil, false, nil
	}
	if sd.Dict.HasEntry("SMask") || sd.Dict.HasEntry("Mask") {
		return nil, false, nil
	}
	width, height, err := imageSize(ctx, sd)
	if err != nil {
		return nil, true, err
	}
	bits, err := intEntry(ctx, sd.Dict, "BitsPerComponent")
	if err != nil {
		return nil, true, err
	}
	switch bits {
	case 1, 2, 4, 8:
	default:
		return nil, false, nil
	}
	if px := int64(width) * int64(height); px > ctx.Conf.Limits.MaxImagePixels {
		return nil, true, fmt.Errorf("%dx%d image exceeds the %d pixel limit", width, height, ctx.Conf.Limits.MaxImagePixels)
	}
	stride := (width*bits + 7) / 8
	if len(sd.Content) < stride*height {
		return nil, true, fmt.Errorf("image data is %d bytes, want %d", len(sd.Content), stride*height)
	}

	// The Decode array maps samples to [0,1]; [1 0] (inverted) is the only
	// other value seen in practice.
	invert := false
	if a := sd.ArrayEntry("Decode"); len(a) == 2 {
		lo, hi := number(a[0]), number(a[1])
		switch {
		case lo == 1 && hi == 0:
			invert = true
		case lo == 0 && hi == 1:
		default:
			return nil, false, nil
		}
	}

	img := image.NewGray(image.Rect(0, 0, width, height))
	maxv := 1<<bits - 1
	var lut [256]uint8
	for v := 0; v <= maxv; v++ {
		g := v * 255 / maxv
		if invert {
			g = 255 - g
		}
		lut[v] = uint8(g)
	}
	for y := 0; y < height; y++ {
		src := sd.Content[y*stride : (y+1)*stride]
		dst := img.Pix[y*img.Stride : y*img.Stride+width]
		if bits == 8 {
			if invert {
				for x, v := range src[:width] {
					dst[x] = lut[v]
				}
			} else {
				copy(dst, src)
			}
			continue
		}
		perByte := 8 / bits
		for x := range dst {
			v := src[x/perByte] >> (8 - bits*(x%perByte+1)) & uint8(maxv)
			dst[x] = lut[v]
		}
	}
	return img, true, nil
}

func number(o types.Object) float64 {
	switch v := o.(type) {
	case types.Integer:
		return float64(v)
	case types.Float:
		return float64(v)
	}
	return -1
}
