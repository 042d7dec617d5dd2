// Command shinsei-eval scores shinsei's reading against the ground truth of
// a generated corpus (shinsei-gen writes NAME.truth.json beside each file):
// whether the form and its orientation were found, how far registration put
// each field's corners from where they were drawn, and per kind of field how
// many values were right, wrong but sent to a person (flagged), silently
// wrong, or missing — hand by hand when the corpus names its hands. It is a
// development tool, kept out of the shinsei binary with the generator it
// depends on.
//
//	OMP_THREAD_LIMIT=1 shinsei-eval [--json] [-j N] [--errors] [--today YYYY-MM-DD] DIR
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"syscall"
	"text/tabwriter"
	"time"

	"shinsei/internal/evaluate"
	"shinsei/ocr"
	"shinsei/ocr/paddle"
	"shinsei/pipeline"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "shinsei-eval: %v\n", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("shinsei-eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	jobs := fs.Int("j", runtime.NumCPU(), "pages read in parallel")
	listErr := fs.Bool("errors", false, "list where every wrong value was (file, page, field; never the values)")
	asOf := fs.String("today", "", "judge dates as of `YYYY-MM-DD` (default: today in Japan); shinsei-gen fills forms in on 2026-11-02, and a form's own date is only sure within 90 days of the scan")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: shinsei-eval [--json] [-j N] [--errors] [--today YYYY-MM-DD] DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() != 1 || *jobs < 1 {
		fs.Usage()
		return fmt.Errorf("%w: want one corpus folder and -j ≥ 1", errUsage)
	}
	cfg := pipeline.Config{}
	if *asOf != "" {
		d, err := time.Parse(time.DateOnly, *asOf)
		if err != nil {
			return fmt.Errorf("%w: --today %q: want YYYY-MM-DD", errUsage, *asOf)
		}
		cfg.Today = func() time.Time { return d }
	}
	if !ocr.ThreadLimitSet() {
		fmt.Fprintln(stderr, "shinsei-eval: OMP_THREAD_LIMIT is not 1: Tesseract may start a thread per core for every call, and run slower")
	}
	pool, err := ocr.NewPool(ocr.Options{Workers: *jobs})
	if err != nil {
		return fmt.Errorf("starting OCR: %w", err)
	}
	defer pool.Close()
	dir, err := paddle.Dir(getenv)
	if err != nil {
		return fmt.Errorf("starting the second recogniser: %w", err)
	}
	second, err := paddle.Open(dir)
	if err != nil {
		return fmt.Errorf("starting the second recogniser: %w", err)
	}
	defer second.Close()
	cfg.Text = text.NewReader(pool).WithSecond(second)
	if cfg.Today != nil {
		cfg.Text = cfg.Text.WithToday(cfg.Today)
	}
	eng, err := pipeline.New(templates.Builtin(), cfg)
	if err != nil {
		return err
	}
	rep, err := evaluate.Dir(ctx, eng, templates.Builtin(), fs.Arg(0), evaluate.Options{Jobs: *jobs})
	if err != nil {
		return err
	}
	if !*listErr {
		rep.Errors = nil
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(rep)
	}
	return printReport(stdout, rep)
}

func printReport(w io.Writer, r *evaluate.Report) error {
	pc := func(n, d int) float64 {
		if d == 0 {
			return 0
		}
		return 100 * float64(n) / float64(d)
	}
	fmt.Fprintf(w, "%d files, %d pages\n", r.Files, r.Pages)
	fmt.Fprintf(w, "form right %.2f%%, orientation right %.2f%%, worst field corner %.3f mm (%d corners over 1 mm)\n",
		pc(r.TemplateRight, r.Pages), pc(r.RotationRight, r.Pages), r.WorstCornerMM, r.CornersOver1MM)
	fmt.Fprintf(w, "straight through %.1f%% (%d pages accepted, %d of them with a wrong value)\n\n",
		r.StraightThrough(), r.Accepted, r.AcceptedWithError)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tfields\tright\tflagged\tflagged, wrong\tsilently wrong\tmissing\t")
	row := func(name string, t evaluate.Tally) {
		fmt.Fprintf(tw, "%s\t%d\t%.2f%%\t%.2f%%\t%.2f%%\t%.2f%%\t%.2f%%\t\n", name, t.Fields,
			t.Rate(t.Right+t.FlaggedRight), t.Rate(t.Flagged()), t.Rate(t.FlaggedWrong), t.Rate(t.Silent), t.Rate(t.Missing))
	}
	for _, k := range []string{evaluate.KindCheckbox, evaluate.KindSignature, evaluate.KindPIN, evaluate.KindName, evaluate.KindKana,
		evaluate.KindAddress, evaluate.KindPhone, evaluate.KindDate, evaluate.KindOtherText} {
		if t, ok := r.Kinds[k]; ok {
			row(k, *t)
		}
	}
	row("all text", r.Text())
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Hands) > 0 {
		// Per hand: a figure is only as good as the hands it was measured
		// on, and those the model never saw are the ones that count.
		fmt.Fprintln(w, "\nby hand (text and dates: right, flagged, silently wrong; pages straight through)")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "hand\tpages\ttext\tright\tflagged\tsilent\tdates silent\tnames silent\tstraight through\t")
		for _, name := range slices.Sorted(maps.Keys(r.Hands)) {
			h := r.Hands[name]
			t := h.Text()
			silent := func(k string) string {
				if k := h.Kinds[k]; k != nil {
					return fmt.Sprintf("%.2f%%", k.Rate(k.Silent))
				}
				return "-"
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f%%\t%.2f%%\t%.2f%%\t%s\t%s\t%.1f%%\t\n", name, h.Pages, t.Fields,
				t.Rate(t.Right+t.FlaggedRight), t.Rate(t.Flagged()), t.Rate(t.Silent), silent(evaluate.KindDate), silent(evaluate.KindName), h.StraightThrough())
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, e := range r.Errors {
		fmt.Fprintln(w, e)
	}
	return nil
}
