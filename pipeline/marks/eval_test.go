//go:build eval

package marks

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"shinsei/internal/scanfx"
	"shinsei/templates"
)

// The evaluation corpora: seeds used for nothing else (calibration used
// 101, 102 and 300–699).
var evaluation = []struct {
	mix      scanfx.Mix
	seed     uint64
	docs     int
	minPages int
	targets  bool // the targets apply (Standard); Hard is reported
}{
	{scanfx.Standard, 7, 300, 300, true},
	{scanfx.Hard, 8, 100, 100, false},
}

// tally counts one kind of field. A reading is right when its value is
// the truth's (for a box the generator marks ambiguous: when it is
// flagged), and flagged when it asks for a person (Review, or Ambiguous).
type tally struct {
	right, flaggedRight, flaggedWrong, silent int
	conf                                      [5][2]int // by confidence bin: readings, right
	errors                                    []string
}

func (t *tally) add(correct, flagged bool, conf float64, what string) {
	switch {
	case correct && !flagged:
		t.right++
	case correct:
		t.flaggedRight++
	case flagged:
		t.flaggedWrong++
		t.errors = append(t.errors, "flagged: "+what)
	default:
		t.silent++
		t.errors = append(t.errors, "SILENT: "+what)
	}
	b := confBin(conf)
	t.conf[b][0]++
	if correct {
		t.conf[b][1]++
	}
}

var confBins = []float64{0.5, 0.7, 0.9, 0.95}

func confBin(c float64) int {
	for i, e := range confBins {
		if c < e {
			return i
		}
	}
	return len(confBins)
}

func (t *tally) total() int { return t.right + t.flaggedRight + t.flaggedWrong + t.silent }

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}

// TestEval reads every checkbox, signature and PIN field of ≥ 300
// Standard and ≥ 100 Hard generated pages and compares with the truth.
// go test -tags eval -run Eval -v ./pipeline/marks/ -timeout 60m
func TestEval(t *testing.T) {
	fs := newForms(t)
	for _, ev := range evaluation {
		t.Run(ev.mix.String(), func(t *testing.T) {
			start := time.Now()
			docs := genDocs(t, ev.seed, ev.mix, 0, ev.docs, corpusCache())
			t.Logf("%s seed %d: %d documents ready in %v", ev.mix, ev.seed, len(docs), time.Since(start).Round(time.Second))
			var mu sync.Mutex
			kinds := map[templates.Kind]*tally{templates.Checkbox: {}, templates.Signature: {}, templates.PIN: {}}
			styles := map[string]*tally{}
			pages, unregistered := 0, 0
			var cpu time.Duration
			forEachPage(t, docs, func(p scannedPage) {
				t0 := time.Now()
				f, ink, err := fs.inkOf(p)
				var rd Reading
				if err == nil {
					rd = f.Read(ink)
				}
				el := time.Since(t0)
				mu.Lock()
				defer mu.Unlock()
				pages++
				cpu += el
				if err != nil {
					unregistered++
					t.Logf("not registered: %v", err)
					return
				}
				for _, fd := range f.Template.Fields {
					tr := p.truth.Fields[fd.ID]
					what := fmt.Sprintf("%s p%d %s truth=%v style=%q", p.doc, p.index+1, fd.ID, tr.Value, tr.Style)
					switch fd.Kind {
					case templates.Checkbox:
						r := rd.Checkboxes[fd.ID]
						flagged := r.Review || r.State == Ambiguous
						correct := flagged
						if !tr.Ambiguous {
							want := Unchecked
							if truthBool(tr.Value) {
								want = Checked
							}
							correct = r.State == want
						}
						what += fmt.Sprintf(" read=%v review=%v conf=%.2f ink=%.3f", r.State, r.Review, r.Confidence, r.Ink)
						kinds[fd.Kind].add(correct, flagged, r.Confidence, what)
						st := strings.TrimSuffix(tr.Style, "+stray")
						if st == "" {
							st = "empty"
						}
						if styles[st] == nil {
							styles[st] = &tally{}
						}
						styles[st].add(correct, flagged, r.Confidence, what)
					case templates.Signature:
						r := rd.Signatures[fd.ID]
						what += fmt.Sprintf(" read=%v review=%v conf=%.2f ink=%.1fmm²", r.Present, r.Review, r.Confidence, r.InkMM2)
						kinds[fd.Kind].add(r.Present == truthBool(tr.Value), r.Review, r.Confidence, what)
						if r.Review && r.Present == truthBool(tr.Value) {
							t.Logf("signature flagged, right: %s", what)
						}
					case templates.PIN:
						r := rd.PINs[fd.ID]
						what += fmt.Sprintf(" read=%d %v review=%v conf=%.2f", r.Filled, r.Cells, r.Review, r.Confidence)
						kinds[fd.Kind].add(r.Filled == truthCount(tr.Value), r.Review, r.Confidence, what)
					}
				}
			})
			if pages < ev.minPages {
				t.Errorf("only %d pages, want ≥ %d", pages, ev.minPages)
			}
			t.Logf("%s seed %d: %d documents, %d pages (%d not registered); register+warp+drop-out+read %.0f ms/page",
				ev.mix, ev.seed, len(docs), pages, unregistered, float64(cpu.Milliseconds())/float64(max(1, pages)))
			var b strings.Builder
			fmt.Fprintf(&b, "\n%-10s %6s %8s %8s %8s %8s   %7s %7s\n", "kind", "fields", "right", "flag+ok", "flag+bad", "silent", "right%", "flag%")
			for _, k := range []templates.Kind{templates.Checkbox, templates.Signature, templates.PIN} {
				c := kinds[k]
				n := c.total()
				fmt.Fprintf(&b, "%-10s %6d %8d %8d %8d %8d   %6.2f%% %6.2f%%\n", k, n, c.right, c.flaggedRight, c.flaggedWrong, c.silent,
					pct(c.right+c.flaggedRight, n), pct(c.flaggedRight+c.flaggedWrong, n))
			}
			fmt.Fprintf(&b, "\ncheckboxes by style:\n")
			var names []string
			for s := range styles {
				names = append(names, s)
			}
			sort.Strings(names)
			for _, s := range names {
				c := styles[s]
				fmt.Fprintf(&b, "  %-10s %6d right %5d  flag+ok %4d  flag+bad %4d  silent %4d\n", s, c.total(), c.right, c.flaggedRight, c.flaggedWrong, c.silent)
			}
			fmt.Fprintf(&b, "\nconfidence vs accuracy (all kinds):\n")
			var all [5][2]int
			for _, c := range kinds {
				for i := range all {
					all[i][0] += c.conf[i][0]
					all[i][1] += c.conf[i][1]
				}
			}
			lo := 0.0
			for i, c := range all {
				hi := 1.0
				if i < len(confBins) {
					hi = confBins[i]
				}
				fmt.Fprintf(&b, "  [%.2f, %.2f) %6d readings  %6.2f%% right\n", lo, hi, c[0], pct(c[1], c[0]))
				lo = hi
			}
			for _, k := range []templates.Kind{templates.Checkbox, templates.Signature, templates.PIN} {
				for _, e := range kinds[k].errors {
					fmt.Fprintf(&b, "  %s %s\n", k, e)
				}
			}
			t.Log(b.String())
			if !ev.targets {
				return
			}
			cb, sg, pn := kinds[templates.Checkbox], kinds[templates.Signature], kinds[templates.PIN]
			if r := pct(cb.right+cb.flaggedRight, cb.total()); r < 99.8 {
				t.Errorf("checkboxes %.2f%% right, want ≥ 99.8%%", r)
			}
			if cb.silent > 0 {
				t.Errorf("checkboxes: %d silent errors, want none", cb.silent)
			}
			if f := pct(cb.flaggedRight+cb.flaggedWrong, cb.total()); f > 1 {
				t.Errorf("checkboxes: %.2f%% flagged, want ≤ 1%%", f)
			}
			if r := pct(sg.right+sg.flaggedRight, sg.total()); r < 99.5 {
				t.Errorf("signatures %.2f%% right, want ≥ 99.5%%", r)
			}
			if s := pct(sg.silent, sg.total()); s > 0.2 {
				t.Errorf("signatures: %.2f%% silent errors, want ≤ 0.2%%", s)
			}
			if r := pct(pn.right+pn.flaggedRight, pn.total()); r < 99.5 {
				t.Errorf("PIN counts %.2f%% exact, want ≥ 99.5%%", r)
			}
		})
	}
}
