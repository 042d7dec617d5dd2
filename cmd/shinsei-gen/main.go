// Command shinsei-gen makes synthetic scans of filled JPKI forms, with
// ground truth beside each file, for tests, evaluation and benchmarks.
//
//	shinsei-gen -out corpus/ -n 500 -mix standard -seed 1
//	shinsei-gen -out DIR -answer case.json   (the answer sheet of a case)
//
// writes corpus/0000-application.png and corpus/0000-application.truth.json,
// and so on. The same seed and mix give the same bytes.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "shinsei-gen: %v\n", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("shinsei-gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "write the corpus into this `folder` (created if missing)")
	n := fs.Int("n", 20, "number of documents")
	start := fs.Int("start", 0, "index of the first document (to extend a corpus)")
	seed := fs.Uint64("seed", 1, "random seed")
	mixName := fs.String("mix", "standard", "scan damage: clean, standard, hard, or copier (another scanner, held out from calibration and training)")
	jobs := fs.Int("j", runtime.NumCPU(), "documents made in parallel")
	handSpec := fs.String("hands", "", "write in these hands: a use (train, calibrate, holdout) or hand names, comma-separated; each page's truth names its hand (default: the training faces, as always)")
	answer := fs.String("answer", "", "instead of a corpus, fill in and scan the answer sheet of the case in this `file` (the JSON of shinsei cases show ID --json)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *answer != "" && *out != "" && fs.NArg() == 0 {
		mix, err := scanfx.ParseMix(*mixName)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		return writeAnswer(*answer, *out, mix, *seed, stdout)
	}
	if *out == "" || fs.NArg() > 0 || *n < 1 || *jobs < 1 {
		fs.Usage()
		return fmt.Errorf("%w: want -out DIR, -n ≥ 1 and no other arguments", errUsage)
	}
	mix, err := scanfx.ParseMix(*mixName)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	opts := scangen.Options{Seed: *seed, Mix: mix}
	if *handSpec != "" {
		if opts.Hands, err = scangen.HandsByUse(*handSpec); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
	}
	g, err := scangen.New(opts)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}

	idx := make(chan int)
	errs := make(chan error, *jobs)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done, bytes := 0, 0
	for range *jobs {
		wg.Go(func() {
			for i := range idx {
				size, err := writeDoc(g, *out, i)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				done++
				bytes += size
				mu.Unlock()
			}
		})
	}
feed:
	for i := *start; i < *start+*n; i++ {
		select {
		case idx <- i:
		case err := <-errs:
			close(idx)
			wg.Wait()
			return err
		case <-ctx.Done():
			break feed
		}
	}
	close(idx)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d documents (%s mix, seed %d) in %s, %.1f MB\n", done, mix, *seed, *out, float64(bytes)/1e6)
	return nil
}

func writeDoc(g *scangen.Generator, dir string, i int) (int, error) {
	doc, err := g.Document(i)
	if err != nil {
		return 0, err
	}
	truth, err := json.MarshalIndent(doc.Truth, "", "  ")
	if err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, doc.Name), doc.Data, 0o644); err != nil {
		return 0, err
	}
	base := strings.TrimSuffix(doc.Name, filepath.Ext(doc.Name))
	if err := os.WriteFile(filepath.Join(dir, base+".truth.json"), append(truth, '\n'), 0o644); err != nil {
		return 0, err
	}
	return len(doc.Data), nil
}

// writeAnswer is a person's reply to a proxy case: the case's answer
// sheet, filled in by hand (signed, confirmed, synthetic PINs for the
// certificates applied for) and scanned, with its truth beside it.
func writeAnswer(caseFile, dir string, mix scanfx.Mix, seed uint64, stdout io.Writer) error {
	data, err := os.ReadFile(caseFile)
	if err != nil {
		return err
	}
	var c struct {
		ID     string `json:"id"`
		Person struct {
			Name, Kana, Address string
			BirthDate           string `json:"birth_date"`
		} `json:"person"`
		Certs     []string `json:"certs"`
		ProxyName string   `json:"proxy_name"`
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return fmt.Errorf("%s: not a case (%w)", caseFile, err)
	}
	birth, _ := time.Parse("2006-01-02", c.Person.BirthDate)
	g, err := scangen.New(scangen.Options{Seed: seed, Mix: mix})
	if err != nil {
		return err
	}
	doc, err := g.Answer(scangen.Case{Ref: c.ID, Name: c.Person.Name, Kana: c.Person.Kana, Address: c.Person.Address, Birth: birth, Certs: c.Certs, ProxyName: c.ProxyName},
		scangen.AnswerOptions{Mix: mix, Seed: seed, Format: "png", AnswerDate: time.Now().In(time.FixedZone("JST", 9*60*60))})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	truth, err := json.MarshalIndent(doc.Truth, "", "  ")
	if err != nil {
		return err
	}
	name := filepath.Join(dir, doc.Name)
	if err := os.WriteFile(name, doc.Data, 0o644); err != nil {
		return err
	}
	base := strings.TrimSuffix(name, filepath.Ext(name))
	if err := os.WriteFile(base+".truth.json", append(truth, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintln(stdout, name)
	return nil
}
