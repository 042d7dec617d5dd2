// Command shinsei-variants makes distinct copies of generated scans, for
// the soak benchmark (scripts/soak.sh, make soak). The archive is
// content-addressed and skips a file it has seen, so 10,000 pages must be
// 10,000 different files; generating that many documents would take longer
// than reading them. Copy n of a scan is the same scan with a few pixels
// changed (a grey level up or down; on a black-and-white page a few
// isolated pixels flipped), re-encoded in its own format (PNG, JPEG, TIFF,
// or PDF with the same pages): a new file that reads like the original.
//
//	shinsei-variants -base DIR -out DIR -first I -pages P [-j N]
//
// The scans in DIR (sorted by name; truth files and anything else ignored)
// are taken in turn: file i of the sequence is scan i mod len in its copy
// i div len. It writes files from number I on until they hold at least P
// pages, and prints how many files and pages it wrote: "FILES PAGES".
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"

	"shinsei/internal/pdfout"
	"shinsei/internal/scanfx"
	"shinsei/pipeline/decode"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "shinsei-variants: %v\n", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// jpegQuality re-encodes JPEG pages: the generator's scans are saved at
// 60–95, so 90 adds little of its own.
const jpegQuality = 90

// changedPixels is how many pixels a copy changes.
const changedPixels = 16

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("shinsei-variants", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("base", "", "the `folder` of scans to copy")
	out := fs.String("out", "", "write the copies into this `folder` (created if missing)")
	first := fs.Int("first", 0, "number of the first file to write")
	pages := fs.Int("pages", 0, "write files until they hold at least this many pages")
	jobs := fs.Int("j", runtime.NumCPU(), "files made in parallel")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *base == "" || *out == "" || *first < 0 || *pages < 1 || *jobs < 1 || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("%w: want -base DIR -out DIR -pages ≥ 1", errUsage)
	}
	scans, err := listScans(*base)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	// A scan's page count is known only once it is decoded, so files are
	// handed out one at a time and the count is kept as copies finish.
	var (
		mu      sync.Mutex
		next    = *first
		written int
		done    int
		failed  error
	)
	claim := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if failed != nil || done >= *pages || ctx.Err() != nil {
			return 0, false
		}
		i := next
		next++
		return i, true
	}
	var wg sync.WaitGroup
	for range *jobs {
		wg.Go(func() {
			for {
				i, ok := claim()
				if !ok {
					return
				}
				src := scans[i%len(scans)]
				n, err := writeCopy(src, *out, i, i/len(scans))
				mu.Lock()
				if err != nil && failed == nil {
					failed = err
				}
				written++
				done += n
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if failed != nil {
		return failed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d %d\n", written, done)
	return nil
}

// listScans returns the scan files in dir, sorted.
func listScans(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf":
			if e.Type().IsRegular() {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no scans (PNG, JPEG, TIFF, PDF) in %s", dir)
	}
	slices.Sort(out)
	return out, nil
}

// writeCopy writes copy n of src as file number i and returns its pages.
func writeCopy(src, dir string, i, n int) (int, error) {
	data, err := os.ReadFile(src)
	if err != nil {
		return 0, err
	}
	name := filepath.Base(src)
	b, pages, err := Variant(name, data, uint64(n))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", src, err)
	}
	dst := filepath.Join(dir, fmt.Sprintf("%06d-%s", i, name))
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		return 0, err
	}
	return pages, nil
}

// Variant returns copy n of a scan and its number of pages: the file
// decoded, changedPixels pixels changed where n says, and encoded again in
// the format of name's extension.
func Variant(name string, data []byte, n uint64) ([]byte, int, error) {
	rs, err := decode.Decode(context.Background(), name, data, decode.Limits{})
	if err != nil {
		return nil, 0, err
	}
	for _, r := range rs {
		if r.Err != nil {
			return nil, 0, r.Err
		}
		perturb(r.Image, n)
	}
	var buf bytes.Buffer
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".pdf":
		var pages []pdfout.Page
		for _, r := range rs {
			p := pdfout.Page{Image: r.Image}
			if r.Source == "pdf/jpeg" {
				var j bytes.Buffer
				if err := scanfx.Encode(&j, r.Image, scanfx.JPEG, scanfx.EncodeOptions{Quality: jpegQuality}); err != nil {
					return nil, 0, err
				}
				p = pdfout.Page{JPEG: withComment(j.Bytes(), n)}
			}
			dpi := r.DPI
			if dpi <= 0 {
				dpi = 300
			}
			p.WidthMM = float64(r.Image.Rect.Dx()) / dpi * 25.4
			p.HeightMM = float64(r.Image.Rect.Dy()) / dpi * 25.4
			pages = append(pages, p)
		}
		if err := pdfout.Write(&buf, pages); err != nil {
			return nil, 0, err
		}
	default:
		f, err := scanfx.ParseFormat(ext)
		if err != nil {
			return nil, 0, err
		}
		if len(rs) != 1 {
			return nil, 0, fmt.Errorf("%d pages in a %s file; want 1", len(rs), f)
		}
		q := 0
		if f == scanfx.JPEG {
			q = jpegQuality
		}
		if err := scanfx.Encode(&buf, rs[0].Image, f, scanfx.EncodeOptions{Quality: q, DPI: rs[0].DPI}); err != nil {
			return nil, 0, err
		}
		if f == scanfx.JPEG {
			return withComment(buf.Bytes(), n), 1, nil
		}
	}
	return buf.Bytes(), len(rs), nil
}

// withComment puts a comment naming the copy right after a JPEG's start
// marker. Quantisation can round a change of a few pixels away, and two
// copies must never be the same file.
func withComment(jpg []byte, n uint64) []byte {
	c := fmt.Sprintf("shinsei-variants copy %d", n)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, 0xff, 0xfe, byte((len(c)+2)>>8), byte(len(c)+2))
	out = append(out, c...)
	return append(out, jpg[2:]...)
}

// perturb changes changedPixels pixels of g, at places that depend on n:
// one grey level up or down, or, on a page of pure black and white (which
// must stay so, or a bilevel PDF page would be stored as 8-bit), a flip.
func perturb(g *image.Gray, n uint64) {
	bilevel := true
	for _, v := range g.Pix {
		if v != 0 && v != 255 {
			bilevel = false
			break
		}
	}
	rng := rand.New(rand.NewPCG(n, 0x5eed))
	w, h := g.Rect.Dx(), g.Rect.Dy()
	for range changedPixels {
		i := g.PixOffset(rng.IntN(w), rng.IntN(h))
		switch v := g.Pix[i]; {
		case bilevel:
			g.Pix[i] = 255 - v
		case v == 255:
			g.Pix[i] = 254
		default:
			g.Pix[i] = v + 1
		}
	}
}
