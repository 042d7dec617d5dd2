package web_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/internal/scanfx"
	"shinsei/internal/scangen"
	"shinsei/ocr"
	"shinsei/ocr/paddle"
	"shinsei/pipeline"
	"shinsei/pipeline/archive"
	"shinsei/pipeline/audit"
	"shinsei/pipeline/cases"
	"shinsei/pipeline/review"
	"shinsei/pipeline/text"
	"shinsei/pipeline/users"
	"shinsei/store/storetest"
	"shinsei/templates"
	"shinsei/web"
)

// station is where the test pages were scanned.
const station = "市民課"

// testStore is a fresh store: a bucket on the test MinIO server when one
// is configured (and required under make test), else a local folder.
func testStore(t *testing.T) storetest.Backend {
	t.Helper()
	if os.Getenv(storetest.EnvEndpoint) != "" || os.Getenv(storetest.EnvRequireS3) == "1" {
		url, getenv := storetest.S3(t, "")
		return storetest.Open(t, url, getenv)
	}
	return storetest.Open(t, "file://"+t.TempDir(), func(string) string { return "" })
}

// readPages are generated applications read by the real pipeline (OCR
// included) once per test binary: reading is what takes time, and every
// test archives the same pages into a store of its own.
var readPages = sync.OnceValues(func() ([]readPage, error) {
	today := scangen.DefaultToday()
	clock := func() time.Time { return today }
	g, err := scangen.New(scangen.Options{Seed: 17, Mix: scanfx.Standard})
	if err != nil {
		return nil, err
	}
	pool, err := ocr.NewPool(ocr.Options{Workers: 1})
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	dir, err := paddle.Dir(os.Getenv)
	if err != nil {
		return nil, err
	}
	second, err := paddle.Open(dir)
	if err != nil {
		return nil, err
	}
	defer second.Close()
	eng, err := pipeline.New(templates.Builtin(), pipeline.Config{Text: text.NewReader(pool).WithToday(clock).WithSecond(second), Today: clock, KeepCanvas: true})
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	var out []readPage
	// A phone number struck through and written again above its box: a
	// page a person must confirm, with a value the reader gets wrong. One
	// page keeps the test's reading (under the race detector) short.
	for i, sc := range []string{"correction"} {
		d, err := g.Scenario(sc, i+1)
		if err != nil {
			return nil, err
		}
		for i, p := range eng.Pages(ctx, d.Name, d.Data) {
			out = append(out, readPage{eng.ReadDetailed(ctx, p), d.Truth.Pages[i]})
		}
	}
	return out, nil
})

// readPage is a page as read, and what was really written on it.
type readPage struct {
	pipeline.Detail
	truth scangen.PageTruth
}

// env is one `shinsei serve` over a fresh store holding the read pages.
type env struct {
	t        *testing.T
	url      string
	store    storetest.Backend
	archive  *archive.Archive
	audit    *audit.Log
	flagged  []string // ids of the archived pages that need review
	truth    map[string]scangen.PageTruth
	pages    []readPage
	accounts *users.Repo
}

// addUser adds an account with the test password.
func (e *env) addUser(name string, role users.Role) {
	e.t.Helper()
	if _, err := e.accounts.Add(context.Background(), name, role, password); err != nil {
		e.t.Fatal(err)
	}
}

// password is every test account's password.
const password = "correct horse battery"

func newEnv(t *testing.T, opts ...func(*web.Config)) *env {
	t.Helper()
	details, err := readPages()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	b := testStore(t)
	s := b.Store
	a := archive.New(s, archive.Options{IndexKey: []byte("a test key of thirty-two bytes or more")})
	e := &env{t: t, store: b, archive: a, audit: audit.New(s, audit.Options{}), truth: map[string]scangen.PageTruth{}}
	e.pages = details
	for _, d := range details {
		if _, err := a.Put(ctx, archive.Page{Record: d.Record, Image: d.Canvas, Template: d.Template, Station: station}); err != nil {
			t.Fatal(err)
		}
		e.truth[d.DocumentID] = d.truth
		if d.Status == forms.NeedsReview {
			e.flagged = append(e.flagged, d.DocumentID)
		}
	}
	if len(e.flagged) == 0 {
		t.Fatal("no generated page needs review: the tests need one")
	}
	accounts := users.New(s, users.Options{Params: users.Params{Time: 1, Memory: 64, Threads: 1}})
	e.accounts = accounts
	for _, u := range []struct {
		name string
		role users.Role
	}{{"sato", users.Reviewer}, {"tanaka", users.Reviewer}, {"suzuki", users.Auditor}, {"kato", users.Clerk}} {
		if _, err := accounts.Add(ctx, u.name, u.role, password); err != nil {
			t.Fatal(err)
		}
	}
	cfg := web.Config{
		Auth: web.Accounts(accounts), Audit: web.AuditLog(e.audit), Archive: a, Reviews: review.New(s, a, review.Options{}), Cases: cases.New(s, cases.Options{}),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(srv)
	t.Cleanup(ts.Close)
	e.url = ts.URL
	return e
}

// client is an HTTP client with its own cookies that trusts the test
// server's certificate.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Jar:       jar,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// audited lists the audit chain's records of the given actions as
// "who:action" in order; a read also names its document.
func (e *env) audited(actions ...string) string {
	e.t.Helper()
	var out []string
	for r, err := range e.audit.Records(context.Background()) {
		if err != nil {
			e.t.Fatal(err)
		}
		var c audit.Change
		if err := r.Decode(&c); err != nil {
			e.t.Fatal(err)
		}
		if !slices.Contains(actions, c.Action) {
			continue
		}
		s := c.Who + ":" + c.Action
		if c.DocumentID != "" {
			s += ":" + c.DocumentID
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// misread names a flagged field of page id whose value is not what the
// paper says, as a record would hold it; "" when there is none.
func (e *env) misread(id string) string {
	for _, p := range e.pages {
		if p.DocumentID != id {
			continue
		}
		for f, fv := range p.Fields {
			tv, ok := p.truth.Fields[f]
			if !fv.Review || !ok {
				continue
			}
			want := tv.Value
			if s, ok := want.(string); ok {
				want = forms.CompactText(s)
			}
			if fmt.Sprint(fv.Value) != fmt.Sprint(want) {
				return f
			}
		}
	}
	return ""
}
