package mfp

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// JPX saves page (at dpi) as a PDF whose one image is JPEG 2000, made by
// opj_compress (Debian's libopenjp2-tools) as an MFP's encoder would. ratio
// is the compression ratio (opj_compress -r); 0 is lossless.
func JPX(ctx context.Context, page *image.Gray, dpi float64, ratio int) ([]byte, error) {
	dir, err := os.MkdirTemp("", "mfp-jpx-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	w, h := page.Rect.Dx(), page.Rect.Dy()
	var pgm bytes.Buffer
	fmt.Fprintf(&pgm, "P5\n%d %d\n255\n", w, h)
	pgm.Write(rows(page))
	in, out := filepath.Join(dir, "page.pgm"), filepath.Join(dir, "page.jp2")
	if err := os.WriteFile(in, pgm.Bytes(), 0o600); err != nil {
		return nil, err
	}
	args := []string{"-i", in, "-o", out}
	if ratio > 0 {
		args = append(args, "-r", strconv.Itoa(ratio))
	}
	cmd := exec.CommandContext(ctx, "opj_compress", args...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("opj_compress: %w: %s", err, msg)
	}
	jp2, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	wPt, hPt := pagePoints(w, h, dpi)
	d := &pdfDoc{}
	// A JPX image may leave its colour space to the codestream, and
	// scanners' writers usually do.
	im := d.add(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /BitsPerComponent 8 /Filter /JPXDecode", w, h), jp2)
	return d.page(wPt, hPt, fullPage("Im0", wPt, hPt), map[string]int{"Im0": im}), nil
}
