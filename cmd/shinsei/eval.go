package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"

	"shinsei/internal/evaluate"
	"shinsei/templates"
)

func evalCommand() *command {
	var (
		asJSON  bool
		jobs    int
		listErr bool
	)
	return &command{
		name: "eval", args: "[--json] [-j N] [--errors] DIR",
		summary: "score reading against a generated corpus's ground truth",
		details: `Reads every file under DIR that has a *.truth.json beside it (as written by
shinsei-gen, or 'make corpus') and compares each page's record with the truth: whether
the form and its orientation were found, how far registration put each field's corners
from where they were drawn, and per kind of field how many values were right, wrong but
sent to a person (flagged), silently wrong, or missing. --errors lists where each wrong
value was (file, page, field; never the values).`,
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&asJSON, "json", false, "print the report as one JSON object")
			fs.IntVar(&jobs, "j", runtime.NumCPU(), "pages read in parallel")
			fs.BoolVar(&listErr, "errors", false, "list every wrong field")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) != 1 {
				return usageErrorf("eval: name one corpus directory (see 'shinsei help eval')")
			}
			if jobs < 1 {
				return usageErrorf("eval: -j must be at least 1")
			}
			eng, closeEngine, err := newEngine(e, jobs, false)
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
	for _, e := range r.Errors {
		fmt.Fprintln(w, e)
	}
	return nil
}
