// Command shinsei-lines writes handwritten text lines with ground truth for
// fine-tuning Tesseract's jpn model on the scan generator's handwriting:
//
//	dawg2wordlist jpn.lstm-unicharset jpn.lstm-word-dawg words.txt
//	shinsei-lines -out lines/ -n 20000 -seed 1 -words words.txt
//
// writes lines/000001.png, lines/000001.gt.txt and lines/000001.box (a
// tesstrain line box file), and so on. The same seed, mix and word list
// give the same bytes.
package main

import (
	"context"
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

	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/internal/trainlines"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "shinsei-lines: %v\n", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("shinsei-lines", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "write the lines into this `folder` (created if missing)")
	n := fs.Int("n", 100, "number of lines")
	seed := fs.Uint64("seed", 1, "random seed")
	wordsPath := fs.String("words", "", "word list `file`, one word a line (dawg2wordlist of jpn.lstm-word-dawg)")
	mixName := fs.String("mix", "standard", "how messy the hands are: clean, standard or hard")
	jobs := fs.Int("j", runtime.NumCPU(), "lines made in parallel")
	handSpec := fs.String("hands", scangen.UseTrain, "write in these hands: a use (train) or hand names, comma-separated (never the calibration or held-out ones)")
	vary := fs.Bool("vary", true, "give every line's writer a slant, weight, bend and spacing of its own around its hand's")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *out == "" || *wordsPath == "" || fs.NArg() > 0 || *n < 1 || *jobs < 1 {
		fs.Usage()
		return fmt.Errorf("%w: want -out DIR, -words FILE, -n ≥ 1 and no other arguments", errUsage)
	}
	mix, err := scanfx.ParseMix(*mixName)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	f, err := os.Open(*wordsPath)
	if err != nil {
		return err
	}
	words, err := trainlines.ReadWords(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", *wordsPath, err)
	}
	hands, err := scangen.HandsByUse(*handSpec)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	for _, h := range hands {
		if h.Use != scangen.UseTrain {
			return fmt.Errorf("%w: hand %s is kept for %s, not training", errUsage, h.Name, h.Use)
		}
	}
	g, err := scangen.New(scangen.Options{Seed: *seed, Mix: mix, Hands: hands, Vary: *vary})
	if err != nil {
		return err
	}
	m, err := trainlines.New(g, words, *seed)
	if err != nil {
		return err
	}
	sum, err := m.Write(ctx, *out, *n, *jobs)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d lines in %s", sum.Written, *out)
	if sum.Skipped > 0 {
		fmt.Fprintf(stdout, " (%d skipped: no writing found)", sum.Skipped)
	}
	fmt.Fprintln(stdout)
	for _, k := range slices.Sorted(maps.Keys(sum.Fields)) {
		fmt.Fprintf(stdout, "  %-40s %d\n", k, sum.Fields[k])
	}
	return nil
}
