package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"text/tabwriter"
	"time"

	"shinsei/internal/evaluate"
	"shinsei/templates"
)

func evalCommand() *command {
	var (
		asJSON  bool
		jobs    int
		listErr bool
		asOf    string
	)
	return &command{
		name: "eval", args: "[--json] [-j N] [--errors] DIR",
		summary: "score reading against a generated corpus's ground truth",
		details: `Reads every file under DIR that has a *.truth.json beside it (as written by
shinsei-gen, or 'make corpus') and compares each page's record with the truth: whether
the form and its orientation were found, how far registration put each field's corners
from where they were drawn, and per kind of field how many values were right, wrong but
sent to a person (flagged), silently wrong, or missing. --errors lists where each wrong
value was (file, page, field; never the values). --today judges dates as of that day
rather than today: a corpus's dates lie around the day it was filled in (shinsei-gen
fills on 2026-11-02), and a form's own date is only sure within 90 days of the scan.
A corpus made with shinsei-gen -hands is also scored hand by hand.`,
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&asJSON, "json", false, "print the report as one JSON object")
			fs.IntVar(&jobs, "j", runtime.NumCPU(), "pages read in parallel")
			fs.BoolVar(&listErr, "errors", false, "list every wrong field")
			fs.StringVar(&asOf, "today", "", "judge dates as of `YYYY-MM-DD` (default: today in Japan)")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) != 1 {
				return usageErrorf("eval: name one corpus directory (see 'shinsei help eval')")
			}
			if jobs < 1 {
				return usageErrorf("eval: -j must be at least 1")
			}
			var day time.Time
			if asOf != "" {
				d, err := time.Parse(time.DateOnly, asOf)
				if err != nil {
					return usageErrorf("eval: --today %q: want YYYY-MM-DD", asOf)
				}
				day = d
			}
			eng, closeEngine, err := newEngine(e, jobs, false, day)
			if err != nil {
				return err
			}
			defer closeEngine()
			rep, err := evaluate.Dir(ctx, eng, templates.Builtin(), args[0], evaluate.Options{Jobs: jobs})
			if err != nil {
				return err
			}
			if !listErr {
				rep.Errors = nil
			}
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetEscapeHTML(false)
				return enc.Encode(rep)
			}
			return printReport(e.stdout, rep)
		},
	}
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
