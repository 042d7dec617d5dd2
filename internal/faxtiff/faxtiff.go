// Package faxtiff saves a page as a bilevel TIFF the ways office scanners
// and fax software do — uncompressed, CCITT Group 3 or Group 4, "white is
// zero" or "black is zero" — with libtiff's own tools (Debian's
// libtiff-tools: ppm2tiff, tiffcrop, tiffcp, tiffinfo), so that tests
// read files that no part of shinsei wrote.
package faxtiff

import (
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Variant is one way of saving a bilevel page.
type Variant struct {
	// Compression is tiffcp's name for it: "none", "g3" (one-dimensional
	// Group 3), "g3:2d" (two-dimensional Group 3) or "g4".
	Compression string
	// BlackIsZero is PhotometricInterpretation 1 (a 0 bit is black);
	// otherwise 0, WhiteIsZero (a 0 bit is white), the fax convention.
	BlackIsZero bool
}

func (v Variant) String() string {
	if v.BlackIsZero {
		return v.Compression + "-black-is-zero"
	}
	return v.Compression + "-white-is-zero"
}

// Variants is every combination of photometric and the compressions
// shinsei reads (two-dimensional Group 3 is refused).
func Variants() []Variant {
	var vs []Variant
	for _, c := range []string{"none", "g3", "g4"} {
		for _, b := range []bool{false, true} {
			vs = append(vs, Variant{Compression: c, BlackIsZero: b})
		}
	}
	return vs
}

// Bilevel is page thresholded at mid-grey: the page every variant holds,
// to compare their decoding with.
func Bilevel(page *image.Gray) *image.Gray {
	out := image.NewGray(page.Rect)
	for y := page.Rect.Min.Y; y < page.Rect.Max.Y; y++ {
		src := page.Pix[page.PixOffset(page.Rect.Min.X, y):page.PixOffset(page.Rect.Max.X, y)]
		dst := out.Pix[out.PixOffset(out.Rect.Min.X, y):out.PixOffset(out.Rect.Max.X, y)]
		for i, v := range src {
			if v >= 128 {
				dst[i] = 255
			}
		}
	}
	return out
}

// Write saves Bilevel(page) at dpi as variant v and returns the file's
// bytes. dir is a scratch folder for the tools' files. The file's
// photometric and compression are checked with tiffinfo, so a tool that
// quietly did something else fails here rather than passing a test by
// accident.
func Write(ctx context.Context, dir string, page *image.Gray, dpi float64, v Variant) ([]byte, error) {
	base := filepath.Join(dir, strings.ReplaceAll(v.String(), ":", "-"))
	// The page goes to libtiff as a PBM (netpbm's bilevel format, 1 for
	// black), which ppm2tiff turns into a WhiteIsZero TIFF.
	if err := os.WriteFile(base+".pbm", pbm(Bilevel(page)), 0o644); err != nil {
		return nil, fmt.Errorf("faxtiff: %w", err)
	}
	bw := base + "-wiz.tif"
	if err := run(ctx, "ppm2tiff", "-c", "none", "-R", strconv.FormatFloat(dpi, 'f', -1, 64), base+".pbm", bw); err != nil {
		return nil, err
	}
	if v.BlackIsZero {
		// Invert both the bits and the photometric: the same page,
		// stored BlackIsZero.
		if err := run(ctx, "tiffcrop", "-I", "both", bw, base+"-biz.tif"); err != nil {
			return nil, err
		}
		bw = base + "-biz.tif"
	}
	out := base + ".tif"
	if err := run(ctx, "tiffcp", "-c", v.Compression, bw, out); err != nil {
		return nil, err
	}
	info, err := exec.CommandContext(ctx, "tiffinfo", out).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("faxtiff: tiffinfo: %w: %s", err, info)
	}
	want := []string{"Photometric Interpretation: min-is-white"}
	if v.BlackIsZero {
		want[0] = "Photometric Interpretation: min-is-black"
	}
	switch v.Compression {
	case "none":
		want = append(want, "Compression Scheme: None\n")
	case "g3":
		want = append(want, "Compression Scheme: CCITT Group 3\n")
	case "g3:2d":
		want = append(want, "Compression Scheme: CCITT Group 3\n", "Group 3 Options: 2-d encoding")
	case "g4":
		want = append(want, "Compression Scheme: CCITT Group 4\n")
	default:
		return nil, fmt.Errorf("faxtiff: unknown compression %q", v.Compression)
	}
	for _, w := range want {
		if !strings.Contains(string(info), w) {
			return nil, fmt.Errorf("faxtiff: %s lacks %q:\n%s", out, strings.TrimSpace(w), info)
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("faxtiff: %w", err)
	}
	return data, nil
}

// pbm encodes a bilevel page as a binary PBM: rows of bits, 1 for black,
// each row padded to a whole byte.
func pbm(g *image.Gray) []byte {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	stride := (w + 7) / 8
	out := fmt.Appendf(nil, "P4\n%d %d\n", w, h)
	body := make([]byte, stride*h)
	for y := 0; y < h; y++ {
		row := g.Pix[g.PixOffset(g.Rect.Min.X, g.Rect.Min.Y+y):]
		for x := 0; x < w; x++ {
			if row[x] < 128 {
				body[y*stride+x/8] |= 0x80 >> (x % 8)
			}
		}
	}
	return append(out, body...)
}

func run(ctx context.Context, name string, args ...string) error {
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("faxtiff: %s (from Debian's libtiff-tools): %w: %s", name, err, out)
	}
	return nil
}
