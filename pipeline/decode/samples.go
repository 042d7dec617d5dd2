package decode

import (
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Colour spaces, reduced to how to get gray out of them.
type csKind int

const (
	csGray    csKind = iota
	csRGB            // also CalRGB, ICCBased with 3 components
	csCMYK           // also ICCBased with 4 components
	csIndexed        // palette already converted to gray
	csInk            // Separation/DeviceN with one colorant: 1 is full ink
)

type colorSpace struct {
	kind    csKind
	n       int     // components per sample
	palette []uint8 // csIndexed: gray of each index
	hival   int     // csIndexed: highest index
}

func unsupportedColor(what string) error {
	// The name comes from the file. Name it only when it looks like a
	// name (short printable ASCII): anything else is bytes that may not
	// even be UTF-8, and the message must not quote the file (found by
	// FuzzPDF).
	plain := len(what) > 0 && len(what) <= 32
	for i := 0; i < len(what) && plain; i++ {
		plain = what[i] > ' ' && what[i] <= '~'
	}
	if plain {
		return newProblem(ErrUnsupportedCodec, errors.New(what), "ページ画像が読み取れない色空間（"+what+"）で保存されています / the page image uses a colour space that cannot be read ("+what+")", adviceColour)
	}
	return newProblem(ErrUnsupportedCodec, errors.New(what), "ページ画像が読み取れない色空間で保存されています / the page image uses a colour space that cannot be read", adviceColour)
}

func parseColorSpace(xt *model.XRefTable, o types.Object, depth int) (colorSpace, error) {
	if o == nil {
		return colorSpace{}, newProblem(ErrCorrupt, nil, "ページ画像が壊れています（色空間がありません） / the page image is damaged (it has no colour space)", adviceRescan)
	}
	o, err := xt.Dereference(o)
	if err != nil || o == nil {
		return colorSpace{}, newProblem(ErrCorrupt, err, "ページ画像が壊れています（色空間が読めません） / the page image is damaged (its colour space cannot be read)", adviceRescan)
	}
	switch v := o.(type) {
	case types.Name:
		switch v.Value() {
		case "DeviceGray", "G", "CalGray":
			return colorSpace{kind: csGray, n: 1}, nil
		case "DeviceRGB", "RGB", "CalRGB":
			return colorSpace{kind: csRGB, n: 3}, nil
		case "DeviceCMYK", "CMYK":
			return colorSpace{kind: csCMYK, n: 4}, nil
		}
		return colorSpace{}, unsupportedColor(v.Value())
	case types.Array:
		if len(v) == 0 {
			break
		}
		fam, err := xt.DereferenceName(v[0], model.V10, nil)
		if err != nil {
			break
		}
		switch fam.Value() {
		case "CalGray":
			return colorSpace{kind: csGray, n: 1}, nil
		case "CalRGB":
			return colorSpace{kind: csRGB, n: 3}, nil
		case "ICCBased":
			if len(v) < 2 {
				break
			}
			sd, _, err := xt.DereferenceStreamDict(v[1])
			if err != nil || sd == nil {
				break
			}
			switch intEntry(xt, sd.Dict, "N", 0) {
			case 1:
				return colorSpace{kind: csGray, n: 1}, nil
			case 3:
				return colorSpace{kind: csRGB, n: 3}, nil
			case 4:
				return colorSpace{kind: csCMYK, n: 4}, nil
			}
		case "Separation":
			return colorSpace{kind: csInk, n: 1}, nil
		case "DeviceN":
			if len(v) >= 2 {
				if names, err := xt.DereferenceArray(v[1]); err == nil && len(names) == 1 {
					return colorSpace{kind: csInk, n: 1}, nil
				}
			}
			return colorSpace{}, unsupportedColor("DeviceN")
		case "Indexed", "I":
			if depth > 0 || len(v) < 4 {
				break
			}
			return parseIndexed(xt, v)
		case "Lab", "Pattern":
			return colorSpace{}, unsupportedColor(fam.Value())
		}
	}
	return colorSpace{}, newProblem(ErrCorrupt, nil, "ページ画像が壊れています（色空間が読めません） / the page image is damaged (its colour space cannot be read)", adviceRescan)
}

func parseIndexed(xt *model.XRefTable, v types.Array) (colorSpace, error) {
	base, err := parseColorSpace(xt, v[1], 1)
	if err != nil {
		return colorSpace{}, err
	}
	hival := 255
	if n, err := xt.DereferenceNumber(v[2]); err == nil {
		hival = int(math.Max(0, math.Min(255, n)))
	}
	var lookup []byte
	lo, err := xt.Dereference(v[3])
	if err != nil {
		return colorSpace{}, newProblem(ErrCorrupt, err, "ページ画像が壊れています（パレットが読めません） / the page image is damaged (its palette cannot be read)", adviceRescan)
	}
	switch l := lo.(type) {
	case types.StringLiteral:
		lookup, err = types.Unescape(l.Value())
	case types.HexLiteral:
		lookup, err = l.Bytes()
	case types.StreamDict:
		err = l.DecodeWithLimit(1 << 20)
		lookup = l.Content
	default:
		err = fmt.Errorf("palette is a %T", lo)
	}
	if err != nil {
		return colorSpace{}, newProblem(ErrCorrupt, err, "ページ画像が壊れています（パレットが読めません） / the page image is damaged (its palette cannot be read)", adviceRescan)
	}
	pal := make([]uint8, hival+1)
	for i := range pal {
		c := lookup[min(len(lookup), i*base.n):min(len(lookup), (i+1)*base.n)]
		if len(c) < base.n {
			pal[i] = 0xff // entries missing from a short table show as paper
			continue
		}
		switch base.kind {
		case csGray:
			pal[i] = c[0]
		case csRGB:
			pal[i] = uint8(luma8(c[0], c[1], c[2]))
		case csCMYK:
			pal[i] = cmykGray(c[0], c[1], c[2], c[3])
		case csInk:
			pal[i] = 255 - c[0]
		}
	}
	return colorSpace{kind: csIndexed, n: 1, palette: pal, hival: hival}, nil
}

// sampleLUT builds, for a one-component image, the map from a sample (at
// most 8 bits; 16-bit samples are looked up by their high byte) to gray,
// applying the /Decode array. An image mask uses the gray space: its
// painted samples (0, or 1 with /Decode [1 0]) come out black, like ink
// on the page, which is what a gray space with the same array gives.
func sampleLUT(cs colorSpace, bpc int, dec []float64) (*[256]uint8, error) {
	if cs.n != 1 {
		return nil, newProblem(ErrCorrupt, nil, "ページ画像が壊れています（1ビット画像に色空間があります） / the page image is damaged (a one-bit image in a colour space)", adviceRescan)
	}
	maxv := float64(int(1)<<min(bpc, 8) - 1)
	dmin, dmax := 0.0, 1.0
	if cs.kind == csIndexed {
		dmax = maxv
	}
	if len(dec) >= 2 {
		dmin, dmax = dec[0], dec[1]
	}
	var lut [256]uint8
	for s := 0; s <= int(maxv); s++ {
		v := dmin + float64(s)*(dmax-dmin)/maxv
		switch cs.kind {
		case csGray:
			lut[s] = unit8(v)
		case csInk:
			lut[s] = 255 - unit8(v)
		case csIndexed:
			lut[s] = cs.palette[int(math.Max(0, math.Min(float64(cs.hival), math.Round(v))))]
		default:
			return nil, newProblem(ErrCorrupt, nil, "ページ画像が壊れています（色空間とデータが合いません） / the page image is damaged (its colour space does not match its data)", adviceRescan)
		}
	}
	return &lut, nil
}

func isIdentity(lut *[256]uint8) bool {
	for i, v := range lut {
		if int(v) != i {
			return false
		}
	}
	return true
}

// samplesToGray converts raw image samples (rows padded to whole bytes).
// It may return data itself as the pixels.
func samplesToGray(data []byte, w, h, bpc int, cs colorSpace, dec []float64) (*image.Gray, error) {
	rowBytes := (w*cs.n*bpc + 7) / 8
	if cs.n == 1 {
		lut, err := sampleLUT(cs, bpc, dec)
		if err != nil {
			return nil, err
		}
		if bpc == 8 && isIdentity(lut) && len(data) == w*h {
			// The common 8-bit gray page: its samples are the pixels.
			return &image.Gray{Pix: data, Stride: w, Rect: image.Rect(0, 0, w, h)}, nil
		}
		g := imageNewGray(w, h)
		for y := 0; y < h; y++ {
			src, dst := data[y*rowBytes:(y+1)*rowBytes], g.Pix[y*w:(y+1)*w]
			switch bpc {
			case 8:
				for x, v := range src[:w] {
					dst[x] = lut[v]
				}
			case 16:
				for x := range dst {
					dst[x] = lut[src[2*x]]
				}
			default:
				perByte, mask := 8/bpc, byte(1<<bpc-1)
				for x := range dst {
					shift := 8 - bpc*(x%perByte+1)
					dst[x] = lut[src[x/perByte]>>shift&mask]
				}
			}
		}
		return g, nil
	}

	// Several components: one LUT per component to [0,255], then the
	// colour space's conversion.
	g := imageNewGray(w, h)
	maxv := float64(int(1)<<min(bpc, 8) - 1)
	luts := make([][256]uint8, cs.n)
	for c := range luts {
		dmin, dmax := 0.0, 1.0
		if len(dec) >= 2*cs.n {
			dmin, dmax = dec[2*c], dec[2*c+1]
		}
		for s := 0; s <= int(maxv); s++ {
			luts[c][s] = unit8(dmin + float64(s)*(dmax-dmin)/maxv)
		}
	}
	sample := func(row []byte, i int) uint8 {
		switch bpc {
		case 8:
			return row[i]
		case 16:
			return row[2*i]
		}
		perByte := 8 / bpc
		shift := 8 - bpc*(i%perByte+1)
		return row[i/perByte] >> shift & byte(1<<bpc-1)
	}
	for y := 0; y < h; y++ {
		src, dst := data[y*rowBytes:(y+1)*rowBytes], g.Pix[y*w:(y+1)*w]
		switch cs.kind {
		case csRGB:
			l0, l1, l2 := &luts[0], &luts[1], &luts[2]
			if bpc == 8 {
				for x := range dst {
					p := src[3*x : 3*x+3 : 3*x+3]
					dst[x] = uint8(luma8(l0[p[0]], l1[p[1]], l2[p[2]]))
				}
				continue
			}
			for x := range dst {
				dst[x] = uint8(luma8(l0[sample(src, 3*x)], l1[sample(src, 3*x+1)], l2[sample(src, 3*x+2)]))
			}
		case csCMYK:
			l0, l1, l2, l3 := &luts[0], &luts[1], &luts[2], &luts[3]
			for x := range dst {
				dst[x] = cmykGray(l0[sample(src, 4*x)], l1[sample(src, 4*x+1)], l2[sample(src, 4*x+2)], l3[sample(src, 4*x+3)])
			}
		default:
			return nil, newProblem(ErrCorrupt, nil, "ページ画像が壊れています（色空間とデータが合いません） / the page image is damaged (its colour space does not match its data)", adviceRescan)
		}
	}
	return g, nil
}
