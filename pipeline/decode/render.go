package decode

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/image/tiff"
)

// The renderer path: pages the native decoder cannot read faithfully are
// drawn by Poppler's pdftocairo (poppler-utils, which scripts/setup.sh
// installs).
//
// The native path stays the default because it is several times faster and
// needs no other process; the renderer is for what it cannot do: JBIG2 and
// JPEG 2000 images, images with masks or soft masks (the layered "compact"
// PDFs of office machines, 高圧縮PDF), pages drawn from several images, and
// colour spaces or filters it does not know.
const (
	// RendererProgram is the PDF renderer run for such pages, looked up in PATH.
	RendererProgram = "pdftocairo"
	// DefaultRenderTimeout bounds one page's drawing.
	DefaultRenderTimeout = time.Minute
	// maxRenderDPI: nothing a scanner makes needs more to be read.
	maxRenderDPI = 600
	// defaultRenderDPI is used when no image on the page says its resolution.
	defaultRenderDPI = 300
	// renderAddressSpace caps the renderer's memory (with prlimit): a
	// JBIG2 or JPEG 2000 stream carries its own size, which the image
	// dictionary checked beforehand does not bind.
	renderAddressSpace = 2 << 30
)

// renderPlan says that a page is to be drawn, and at what resolution.
type renderPlan struct {
	needed bool
	dpi    float64
	why    string // for the logs of whoever debugs: "jbig2", "mask"…
}

// needsRenderer says why the page's images cannot be decoded faithfully
// one by one, or "" if they can.
//
// Layers are told from logos: a page is layered when a second drawn image
// covers at least half as much of the page as the largest (an MRC page's
// background and foreground both cover the page), or when a stencil mask
// is drawn beside other images (text painted through it). A small picture
// over the scan is left out, as before. Images listed but not drawn are
// not layers: the largest of them is the scan.
func needsRenderer(imgs []placed, isStrips bool) string {
	for _, p := range imgs {
		if f := p.sd.FilterPipeline; len(f) > 0 {
			switch f[len(f)-1].Name {
			case filter.JBIG2:
				return "jbig2"
			case filter.JPX:
				return "jpx"
			}
		}
		for _, key := range []string{"SMask", "Mask"} {
			if o, ok := p.sd.Dict.Find(key); ok && o != nil {
				return strings.ToLower(key)
			}
		}
	}
	if isStrips {
		return ""
	}
	var (
		main     placed
		distinct = map[*types.StreamDict]bool{}
	)
	for _, p := range imgs {
		if !p.drawn {
			continue
		}
		distinct[p.sd] = true
		if drawnArea(p) > drawnArea(main) {
			main = p
		}
	}
	if len(distinct) < 2 {
		return ""
	}
	for _, p := range imgs {
		if !p.drawn || p.sd == main.sd {
			continue
		}
		if drawnArea(p) >= drawnArea(main)/2 {
			return "layers"
		}
		if isStencil(p.sd) || isStencil(main.sd) {
			return "stencil"
		}
	}
	return ""
}

// drawnArea is how much of the page an image covers, in square points.
func drawnArea(p placed) float64 {
	if !p.drawn {
		return 0
	}
	return math.Abs(p.ctm[0]*p.ctm[3] - p.ctm[1]*p.ctm[2])
}

func isStencil(sd *types.StreamDict) bool {
	o, ok := sd.Dict.Find("ImageMask")
	b, isBool := o.(types.Boolean)
	return ok && isBool && b.Value()
}

// planRender checks the page's images against the limits (a renderer
// decodes every image whole, whatever the resolution it draws at) and
// picks the resolution: that of the sharpest image or mask among those
// that cover most of the page (an MRC page's mask is sharper than its
// colour layers), so nothing the scanner kept is lost and nothing is
// invented, capped so that the drawn page stays within the pixel limit.
// Small images do not count: a stencil drawn into a corner has a
// resolution that says nothing about the scan.
func planRender(xt *model.XRefTable, imgs []placed, attrs *model.InheritedPageAttrs, why string, lim Limits) (renderPlan, error) {
	area := func(p placed) float64 {
		if !p.drawn {
			return 1 // not drawn: every image counts alike
		}
		return drawnArea(p)
	}
	biggest := 0.0
	for _, p := range imgs {
		biggest = max(biggest, area(p))
	}
	best := 0.0
	consider := func(p placed) error {
		if err := checkPixels(p.w, p.h, lim); err != nil {
			return err
		}
		if area(p) < biggest/2 {
			return nil
		}
		if _, dpi := pdfOrientation(p, attrs); dpi > best && !math.IsInf(dpi, 0) {
			best = dpi
		}
		return nil
	}
	for _, p := range imgs {
		if err := consider(p); err != nil {
			return renderPlan{}, err
		}
		for _, key := range []string{"SMask", "Mask"} {
			o, ok := p.sd.Dict.Find(key)
			if !ok || o == nil {
				continue
			}
			sd, _, err := xt.DereferenceStreamDict(o)
			if err != nil || sd == nil {
				continue // a colour-key mask is an array, not an image
			}
			m := p
			m.sd, m.w, m.h = sd, intEntry(xt, sd.Dict, "Width", 0), intEntry(xt, sd.Dict, "Height", 0)
			if err := consider(m); err != nil {
				return renderPlan{}, err
			}
		}
	}
	if best <= 0 {
		best = defaultRenderDPI
	}
	best = min(best, maxRenderDPI)
	wPt, hPt := 612.0, 792.0 // Poppler's size for a page without one
	if mb := attrs.MediaBox; mb != nil && mb.Width() > 0 && mb.Height() > 0 {
		wPt, hPt = mb.Width(), mb.Height()
	}
	// Rounding up adds at most a row and a column; the margin covers it.
	if fit := 72 * math.Sqrt(float64(lim.MaxPixels)/(wPt*hPt)) * 0.99; best > fit {
		best = fit
	}
	return renderPlan{needed: true, dpi: math.Floor(best*100) / 100, why: why}, nil
}

// renderPDFPage draws page nr of the walker's PDF.
func (d *walker) renderPDFPage(nr int, plan renderPlan) (Page, error) {
	g, err := renderPage(d.ctx, d.data, nr, plan.dpi, d.lim)
	if err != nil {
		return Page{}, err
	}
	return Page{Image: g, DPI: roundDPI(plan.dpi), Source: "pdf/render"}, nil
}

// renderPage runs pdftocairo on one page: the file on its stdin, an
// uncompressed gray TIFF on its stdout. Cairo copies an image drawn at its
// own resolution pixel for pixel (Poppler's Splash, in pdftoppm, draws it
// a pixel larger and smooths every edge). libtiff must seek, so stdout is
// a temporary file, removed before the renderer starts: nothing is left
// on disk whatever happens. It runs under the ctx deadline and
// lim.RenderTimeout, and under prlimit's memory cap.
func renderPage(parent context.Context, pdf []byte, nr int, dpi float64, lim Limits) (*image.Gray, error) {
	bin, err := exec.LookPath(RendererProgram)
	if err != nil {
		return nil, newProblem(ErrUnsupportedCodec, err,
			"このページ（JBIG2・JPEG 2000・層に分かれた「高圧縮」PDF）を読むにはPDF描画プログラム"+RendererProgram+"が必要ですが、このコンピューターに入っていません / this page (JBIG2, JPEG 2000 or a layered \"compact\" PDF) needs the PDF renderer "+RendererProgram+", which is not installed on this computer",
			"情報システムの担当者にpoppler-utilsを入れてもらってから（scripts/setup.shが入れます）、このファイルをもう一度読み取ってください / ask IT to install poppler-utils (scripts/setup.sh does), then scan the file again")
	}
	out, err := os.CreateTemp("", "shinsei-render-*.tif")
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	defer out.Close()
	if err := os.Remove(out.Name()); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}

	timeout := lim.RenderTimeout
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	args := []string{"-tiff", "-tiffcompression", "none", "-gray", "-singlefile",
		"-f", strconv.Itoa(nr), "-l", strconv.Itoa(nr), "-r", strconv.FormatFloat(dpi, 'f', 2, 64), "-", "-"}
	name := bin
	if pl, err := exec.LookPath("prlimit"); err == nil {
		name, args = pl, append([]string{"--as=" + strconv.Itoa(renderAddressSpace), "--", bin}, args...)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = bytes.NewReader(pdf)
	cmd.Stdout = out
	stderr := &capped{max: 4096}
	cmd.Stderr = stderr
	cmd.WaitDelay = 5 * time.Second
	werr := cmd.Run()
	switch {
	case parent.Err() != nil:
		return nil, fmt.Errorf("render: %w", parent.Err())
	case ctx.Err() != nil:
		return nil, newProblem(ErrTooLarge, ctx.Err(), fmt.Sprintf("ページの描画に%sより長くかかりました / the page took more than %s to draw", timeout, timeout), adviceRescan)
	case werr != nil:
		var ee *exec.ExitError
		if !errors.As(werr, &ee) {
			return nil, newProblem(ErrUnsupportedCodec, werr, "PDF描画プログラム"+RendererProgram+"を起動できませんでした / the PDF renderer "+RendererProgram+" could not be started",
				"情報システムの担当者にpoppler-utilsのインストールを確かめてもらってから、このファイルをもう一度読み取ってください / ask IT to check the poppler-utils installation, then scan the file again")
		}
		cause := fmt.Errorf("%s: %w: %s", RendererProgram, werr, stderr)
		if s := stderr.String(); strings.Contains(strings.ToLower(s), "memory") || strings.Contains(s, "bad_alloc") {
			return nil, newProblem(ErrTooLarge, cause, "ページの描画に許された量を超えるメモリーが要ります（圧縮爆弾の疑い） / the page needs more memory to draw than is allowed (a decompression bomb?)", adviceRescan)
		}
		return nil, newProblem(ErrCorrupt, cause, "ページが壊れていて描画できません / the page is damaged and cannot be drawn", adviceRescan)
	case strings.Contains(stderr.String(), "Error"):
		// Poppler draws what it can of a damaged image and says so on
		// stderr; a page with part of its scan missing must not pass as
		// read.
		return nil, newProblem(ErrCorrupt, fmt.Errorf("%s: %s", RendererProgram, stderr), "ページ画像が壊れていて読み取れません / the page image is damaged and cannot be read", adviceRescan)
	}
	return readRendered(out, dpi, lim)
}

// readRendered reads the renderer's TIFF, drawn at dpi, checking its size
// against the limits before allocating its pixels.
func readRendered(f *os.File, dpi float64, lim Limits) (*image.Gray, error) {
	bad := func(err error) error {
		return newProblem(ErrCorrupt, fmt.Errorf("renderer output: %w", err), "ページが壊れていて描画できません / the page is damaged and cannot be drawn", adviceRescan)
	}
	st, err := f.Stat()
	if err != nil {
		return nil, bad(err)
	}
	// A gray page is a byte a pixel, plus headers.
	if st.Size() > lim.MaxPixels+1<<20 {
		// planRender chose a resolution that keeps the page's MediaBox
		// within the limit, so the page drawn is larger than it says.
		return nil, newProblem(ErrTooLarge, nil, "描画したページが画素数の上限を超える大きさです / the drawn page is larger than the pixel limit allows",
			"様式だけを、読み取りサイズをA4にしてスキャンし直してください / scan the form on its own, with the scan size set to A4")
	}
	data := make([]byte, st.Size())
	if _, err := f.ReadAt(data, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, bad(err)
	}
	cfg, err := tiff.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, bad(err)
	}
	if err := checkPixelsAt(cfg.Width, cfg.Height, dpi, lim); err != nil {
		return nil, err
	}
	img, err := tiff.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, bad(err)
	}
	return toGray(img), nil
}

// capped keeps the first max bytes written to it: the renderer's messages,
// for the error's cause.
type capped struct {
	max int
	b   bytes.Buffer
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.b.Len(); room > 0 {
		c.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (c *capped) String() string { return strings.TrimSpace(c.b.String()) }
