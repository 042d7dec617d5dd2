package batch_test

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/pipeline"
	"shinsei/pipeline/archive"
	"shinsei/pipeline/batch"
	"shinsei/store/local"
	"shinsei/templates"
)

// sink keeps what a run hands it, in the order it hands it.
type sink struct {
	events []string
	pages  []batch.PageResult
	files  []batch.FileResult
}

func (s *sink) Page(p batch.PageResult) error {
	s.events = append(s.events, "page "+filepath.Base(p.Record.Source.Name))
	s.pages = append(s.pages, p)
	return nil
}

func (s *sink) File(f batch.FileResult) error {
	s.events = append(s.events, "file "+filepath.Base(f.Name))
	s.files = append(s.files, f)
	return nil
}

// metrics counts what a runner measures, by what it was told.
type metrics struct {
	mu     sync.Mutex
	stages map[string]int
	pages  map[string]int // status/form
	failed map[string]int
}

func newMetrics() *metrics {
	return &metrics{stages: map[string]int{}, pages: map[string]int{}, failed: map[string]int{}}
}

func (m *metrics) Stage(stage string, took time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if took > 0 {
		m.stages[stage]++
	}
}

func (m *metrics) Page(status, form string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pages[status+"/"+form]++
}

func (m *metrics) StepFailed(step string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failed[step]++
}

func inputs(names ...string) func(func(batch.Input) bool) {
	return func(yield func(batch.Input) bool) {
		for _, n := range names {
			if !yield(batch.File(n)) {
				return
			}
		}
	}
}

func corpus(name string) string {
	return filepath.Join("..", "..", "testdata", "corpus", "clean", name)
}

func engine(t *testing.T) *pipeline.Engine {
	t.Helper()
	eng, err := pipeline.New(templates.Builtin(), pipeline.Config{KeepCanvas: true})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// A step that fails marks its page (not_archived, the cause in the
// message), the page's later steps do not run, and the other pages go on
// through every step; results come in file order, each file after its
// pages.
func TestFailedStepIsAnIssueOnThePage(t *testing.T) {
	var archived []string
	steps := []batch.Step{
		{Name: "flaky", Do: func(ctx context.Context, p *batch.Page) error {
			if strings.Contains(p.Record.Source.Name, "0001") {
				return errors.New("store unreachable")
			}
			return nil
		}},
		{Name: "keep", Do: func(ctx context.Context, p *batch.Page) error {
			archived = append(archived, filepath.Base(p.Record.Source.Name))
			return nil
		}},
	}
	missing := filepath.Join(t.TempDir(), "gone.png")
	m := newMetrics()
	r := batch.New(engine(t), batch.Options{Workers: 1, Steps: steps, Metrics: m})
	var s sink
	err := r.Run(context.Background(), inputs(corpus("0000-application.png"), corpus("0001-answer.png"), missing, corpus("0002-answer.png")), &s)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := []string{"page 0000-application.png", "file 0000-application.png", "page 0001-answer.png", "file 0001-answer.png", "page gone.png", "file gone.png", "page 0002-answer.png", "file 0002-answer.png"}
	if strings.Join(s.events, "\n") != strings.Join(want, "\n") {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(s.events, "\n"), strings.Join(want, "\n"))
	}
	if strings.Join(archived, ",") != "0000-application.png,0002-answer.png" {
		t.Errorf("the last step ran on %v, want the two pages whose first step worked", archived)
	}
	bad := s.pages[1]
	if bad.Failed == nil || !strings.Contains(bad.Failed.Error(), "flaky: store unreachable") || !bad.Record.HasIssue("", batch.CodeNotArchived) || bad.Record.Status != forms.NeedsReview {
		t.Errorf("failed page: %+v", bad)
	}
	if s.files[1].Kept() || !s.files[0].Kept() || !s.files[3].Kept() {
		t.Errorf("Kept: %v %v %v, want true false true", s.files[0].Kept(), s.files[1].Kept(), s.files[3].Kept())
	}
	gone := s.files[2]
	if !gone.Unread || !gone.Unreadable() || gone.SHA256 != "" || s.pages[2].Record.Status != forms.Rejected {
		t.Errorf("missing file: %+v, page %+v", gone, s.pages[2])
	}
	if s.files[0].SHA256 != s.pages[0].Record.Source.SHA256 || s.files[0].SHA256 == "" {
		t.Errorf("file hash %q, page's %q", s.files[0].SHA256, s.pages[0].Record.Source.SHA256)
	}
	// Every page is counted by status and form; every stage it went
	// through is timed, the failed step too; the missing file has no
	// decode and no steps.
	wantPages := map[string]int{}
	for _, p := range s.pages {
		form := ""
		if p.Record.Template != nil {
			form = p.Record.Template.ID
		}
		wantPages[string(p.Record.Status)+"/"+form]++
	}
	if !maps.Equal(m.pages, wantPages) || wantPages["rejected/"] != 1 {
		t.Errorf("pages counted %v, want %v", m.pages, wantPages)
	}
	if want := map[string]int{batch.StageDecode: 3, batch.StageRead: 4, "flaky": 3, "keep": 2}; !maps.Equal(m.stages, want) {
		t.Errorf("stages timed %v, want %v", m.stages, want)
	}
	if want := map[string]int{"flaky": 1}; !maps.Equal(m.failed, want) {
		t.Errorf("failed steps %v, want %v", m.failed, want)
	}
}

// The standard steps archive each page; the same file read again is a
// duplicate that writes nothing new.
func TestStandardStepsArchiveOnce(t *testing.T) {
	root := t.TempDir()
	st, err := local.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := batch.New(engine(t), batch.Options{Workers: 2, Store: st, Station: "窓口1"})
	name := corpus("0000-application.png")
	for i, dup := range []bool{false, true} {
		var s sink
		if err := r.Run(context.Background(), inputs(name), &s); err != nil {
			t.Fatal(err)
		}
		if len(s.pages) != 1 || s.pages[0].Entry == nil || s.pages[0].Entry.Duplicate != dup || !s.files[0].Kept() {
			t.Fatalf("run %d: %+v", i, s.pages)
		}
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	has, err := archive.New(st, archive.Options{}).Has(context.Background(), forms.DocumentID(forms.FileSHA256(data), 1))
	if err != nil || !has {
		t.Errorf("Has = %v, %v after archiving", has, err)
	}
}

// A run whose context is cancelled stops, keeps nothing of a page read
// while stopping, and reports no file it stopped inside.
func TestCancelledRunKeepsNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	m := newMetrics()
	r := batch.New(engine(t), batch.Options{Workers: 1, Metrics: m, Steps: []batch.Step{{Name: "keep", Do: func(context.Context, *batch.Page) error { ran = true; return nil }}}})
	var s sink
	err := r.Run(ctx, inputs(corpus("0000-application.png")), &s)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	if ran {
		t.Error("a step ran after the run was cancelled")
	}
	for _, p := range s.pages {
		if !p.Stopped || p.Entry != nil {
			t.Errorf("%s page %d kept while stopping (stopped %v, archived %v)", p.Record.Source.Name, p.Record.Source.Page, p.Stopped, p.Entry != nil)
		}
	}
	for _, f := range s.files {
		if f.Kept() {
			t.Errorf("file %s reported kept", f.Name)
		}
	}
	if len(m.pages) != 0 {
		t.Errorf("pages abandoned while stopping were counted: %v", m.pages)
	}
}
