package ocr

import (
	"context"
	"errors"
	"fmt"
	"image"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/otiai10/gosseract/v2"
)

// ErrClosed is returned by Recognize once the pool is closed.
var ErrClosed = errors.New("ocr: pool closed")

// Options configure a Pool. Zero fields take the defaults.
type Options struct {
	Workers int // clients in the pool; default runtime.NumCPU()
	// RecycleAfter is the calls before a client is closed and replaced
	// (default 100,000): Tesseract keeps a little per call until its
	// client is closed. Replacing a client reloads its model, so it is rare.
	RecycleAfter int
	DPI          int // user_defined_dpi; default 300
	// Observe, when set, is told how long each Tesseract call took (not
	// the wait for a free client), for metrics. It must be quick.
	Observe func(took time.Duration)
}

// Stats count what a pool has done, for tests and metrics.
type Stats struct {
	Calls    int64 // recognitions run (blank zones are not sent to Tesseract)
	Clients  int64 // Tesseract clients created
	Recycled int64 // clients closed after RecycleAfter calls
}

// Pool shares a few Tesseract clients among goroutines. A client is used by
// one goroutine at a time; Recognize waits for a free one.
type Pool struct {
	opts   Options
	models string // folder of the bundled models (bundledDir)

	// tokens holds one token per client in use, so sending blocks while all
	// Workers are busy.
	tokens chan struct{}
	done   chan struct{} // closed by Close

	mu   sync.Mutex
	idle []*slot // slots not in use, least recently used first
	// all is every slot made: up to Workers for each language in use, so
	// a pool reading jpn and eng zones in turn does not re-initialise a
	// client at every switch. Only Workers of them run at once (tokens).
	all []*slot

	closeOnce sync.Once
	closeErr  error

	calls, clients, recycled atomic.Int64
}

// slot is one place in the pool. A slot and its client belong to whichever
// goroutine took the slot from idle. The client is made on first use, so a
// pool that is never busy holds a single client.
type slot struct {
	tess *gosseract.Client // nil until first use and after recycling
	lang string            // language tess is initialised for
	uses int               // recognitions since tess was made
	want string            // language the slot was last taken for; guarded by Pool.mu
}

// NewPool checks that Tesseract has the languages shinsei needs and returns
// an empty pool; clients are created as calls need them.
func NewPool(opts Options) (*Pool, error) {
	if err := CheckInstall(); err != nil {
		return nil, fmt.Errorf("starting the OCR pool: %w", err)
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.RecycleAfter <= 0 {
		opts.RecycleAfter = 100_000
	}
	if opts.DPI == 0 {
		opts.DPI = 300
	}
	// Tesseract silently ignores a user_defined_dpi outside this range.
	if opts.DPI < 70 || opts.DPI > 2400 {
		return nil, fmt.Errorf("starting the OCR pool: DPI %d is outside Tesseract's 70–2400", opts.DPI)
	}
	models, err := bundledDir()
	if err != nil {
		return nil, fmt.Errorf("starting the OCR pool: %w", err)
	}
	p := &Pool{
		models: models,
		opts:   opts,
		tokens: make(chan struct{}, opts.Workers),
		done:   make(chan struct{}),
		idle:   make([]*slot, opts.Workers),
	}
	for i := range p.idle {
		p.idle[i] = &slot{}
	}
	p.all = append(p.all, p.idle...)
	return p, nil
}

// Recognize reads img as spec says. A zone without ink gives an empty Result.
// Word and symbol boxes are in img's coordinates, so a sub-image of a page
// gives page coordinates. Recognize waits for a free client as long as ctx
// allows; once Tesseract has started it runs to the end.
func (p *Pool) Recognize(ctx context.Context, img *image.Gray, spec Spec) (Result, error) {
	spec, err := spec.normalized()
	if err != nil {
		return Result{}, err
	}
	select {
	case <-p.done:
		return Result{}, ErrClosed
	default:
	}
	if img == nil || blank(img) {
		return Result{}, nil
	}
	s, err := p.acquire(ctx, spec.Lang)
	if err != nil {
		return Result{}, err
	}
	defer p.release(s)
	start := time.Now()
	words, err := p.read(s, img, spec)
	if p.opts.Observe != nil {
		p.opts.Observe(time.Since(start))
	}
	if err != nil {
		return Result{}, err
	}
	text := make([]string, len(words))
	for i, w := range words {
		text[i] = w.Text
	}
	return Result{Text: strings.TrimSpace(strings.Join(text, " ")), Words: words}, nil
}

// acquire waits for a free slot and takes the one best for lang.
func (p *Pool) acquire(ctx context.Context, lang string) (*slot, error) {
	// select picks at random among ready cases, so a cancelled ctx must be
	// noticed before a free token could be taken.
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("ocr: waiting for a Tesseract client: %w", err)
	}
	select {
	case p.tokens <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("ocr: waiting for a Tesseract client: %w", ctx.Err())
	case <-p.done:
		return nil, ErrClosed
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.done: // Close began while we waited: do no more work.
		<-p.tokens
		return nil, ErrClosed
	default:
	}
	var s *slot
	if i := p.pick(lang); i >= 0 {
		s = p.idle[i]
		p.idle = append(p.idle[:i], p.idle[i+1:]...)
	} else {
		s = &slot{}
		p.all = append(p.all, s)
	}
	s.want = lang
	return s, nil
}

// pick chooses the slot for lang among the idle ones (p.mu held): the most
// recently used one already set up for lang; else -1, a new slot, while
// fewer than Workers serve lang; else an empty one; else the least recently
// used. Switching a client's language re-initialises Tesseract, which costs
// about ten recognitions (≈90 ms for jpn against ≈8 ms to read a line).
func (p *Pool) pick(lang string) int {
	for i := len(p.idle) - 1; i >= 0; i-- {
		if p.idle[i].want == lang {
			return i
		}
	}
	n := 0
	for _, s := range p.all {
		if s.want == lang {
			n++
		}
	}
	if n < p.opts.Workers {
		for i, s := range p.idle {
			if s.want == "" {
				return i // a slot never used yet
			}
		}
		return -1
	}
	for i, s := range p.idle {
		if s.tess == nil {
			return i
		}
	}
	return 0
}

func (p *Pool) release(s *slot) {
	p.mu.Lock()
	p.idle = append(p.idle, s)
	p.mu.Unlock()
	<-p.tokens
}

// read runs one recognition on the slot's client, making the client first if
// need be. After an error, or RecycleAfter calls, the client is closed so that
// the slot's next user starts from a fresh one.
func (p *Pool) read(s *slot, img *image.Gray, spec Spec) ([]Word, error) {
	if s.tess == nil {
		s.tess = p.newClient()
		p.clients.Add(1)
	}
	words, err := p.recognize(s, img, spec)
	s.uses++
	p.calls.Add(1)
	switch {
	case err != nil:
		s.discard()
	case s.uses >= p.opts.RecycleAfter:
		s.discard()
		p.recycled.Add(1)
	}
	return words, err
}

// newClient makes a client with the settings that do not change per call.
// gosseract keeps variables in a map and applies them all at every
// (re-)initialisation, so they survive a language switch. Its SetVariable
// never fails: a bad name surfaces as an error from the next recognition
// that initialises.
func (p *Pool) newClient() *gosseract.Client {
	c := gosseract.NewClient()
	c.SetVariable("hocr_char_boxes", "1") // symbols with boxes and confidences in the hOCR
	c.SetVariable("user_defined_dpi", strconv.Itoa(p.opts.DPI))
	// Tesseract 5 re-reads low-confidence lines inverted (white on black),
	// a second recognition that cannot help on black-on-white forms.
	c.SetVariable("tessedit_do_invert", "0")
	return c
}

// recognize applies spec to the slot's client and reads img once.
func (p *Pool) recognize(s *slot, img *image.Gray, spec Spec) ([]Word, error) {
	c := s.tess
	// gosseract re-initialises Tesseract on every SetLanguage, even to the
	// same language, so it is called only on a change (or a new client),
	// and then the recognition below initialises first.
	if s.lang != spec.Lang {
		// gosseract's setter refuses "", which is how a client goes back
		// to Tesseract's own tessdata from the bundled one.
		c.TessdataPrefix = prefixFor(spec.Lang, p.models)
		if err := c.SetLanguage(spec.Lang); err != nil {
			return nil, fmt.Errorf("ocr: setting language %q: %w", spec.Lang, err)
		}
		s.lang = spec.Lang
		processWide.Lock()
		defer processWide.Unlock()
	}
	// Both are set on every call: the whitelist must be emptied when a spec
	// has none, and gosseract's SetPageSegMode is lost at initialisation,
	// whereas variables are re-applied.
	c.SetVariable(gosseract.TESSEDIT_CHAR_WHITELIST, spec.Whitelist)
	c.SetVariable("tessedit_pageseg_mode", strconv.Itoa(int(spec.Mode)))
	b := img.Bounds()
	if err := c.SetImageFromGray(img.Pix[img.PixOffset(b.Min.X, b.Min.Y):], b.Dx(), b.Dy(), img.Stride); err != nil {
		return nil, fmt.Errorf("ocr: passing the image to Tesseract: %w", err)
	}
	// HOCRText recognises once; GetBoundingBoxes would give one level only
	// and recognise again for the other.
	doc, err := c.HOCRText()
	if err != nil {
		return nil, fmt.Errorf("ocr: Tesseract (%s, mode %d): %w", spec.Lang, spec.Mode, err)
	}
	words, err := parseHOCR(doc, img.Bounds().Min)
	if err != nil {
		return nil, fmt.Errorf("ocr: %w", err)
	}
	return words, nil
}

// discard closes the slot's client; the slot's next user makes a new one.
func (s *slot) discard() {
	if s.tess != nil {
		s.tess.Close() // gosseract's Close always returns nil
		trimCHeap()
	}
	*s = slot{}
}

// Close waits for recognitions in progress and closes every client.
// Recognize after Close returns ErrClosed. Close may be called more than once.
func (p *Pool) Close() error {
	p.closeOnce.Do(func() {
		close(p.done)
		// Taking every token waits out the calls in progress; new ones see done.
		for range cap(p.tokens) {
			p.tokens <- struct{}{}
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		var errs []error
		for _, s := range p.all {
			if s.tess != nil {
				errs = append(errs, s.tess.Close())
			}
			*s = slot{}
		}
		trimCHeap()
		p.closeErr = errors.Join(errs...)
	})
	return p.closeErr
}

// Stats returns the pool's counters.
func (p *Pool) Stats() Stats {
	return Stats{Calls: p.calls.Load(), Clients: p.clients.Load(), Recycled: p.recycled.Load()}
}
