package web_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/png"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/store/storetest"
)

// -screenshots writes the screenshots the browser tests take to
// docs/screenshots (linked from the README); without it they are only
// checked to be pictures.
var screenshots = flag.Bool("screenshots", false, "write the browser tests' screenshots to docs/screenshots")

// chromium finds Debian's chromium (scripts/setup.sh --test installs it).
// Without it the test is skipped, or fails under make test
// (SHINSEI_TEST_REQUIRE_S3=1), where every test must run.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	storetest.Missing(t, "chromium is not installed (scripts/setup.sh --test installs it)")
	return ""
}

// chrome is one headless Chromium for the whole test binary: starting
// one per test costs seconds on a loaded machine. Tests get tabs of it in
// browser contexts of their own. TestMain stops it.
var chrome struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	err    error
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if chrome.cancel != nil {
		chrome.cancel()
	}
	os.Exit(code)
}

// browser returns the shared Chromium, starting it on first use.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	chrome.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			// Containers run tests as root, where Chromium's sandbox
			// cannot start; the pages are the test's own.
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-dev-shm-usage", true),
			// The test servers' certificates are their own, made up by
			// httptest.
			chromedp.Flag("ignore-certificate-errors", true),
			chromedp.WindowSize(1400, 1000),
		)
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		b, cancelB := chromedp.NewContext(alloc)
		chrome.ctx, chrome.cancel = b, func() { cancelB(); cancelAlloc() }
		chrome.err = chromedp.Do(b)
	})
	if chrome.err != nil {
		t.Fatalf("starting chromium: %v", chrome.err)
	}
	return chrome.ctx
}

// tab opens a tab in a browser context of its own (its own cookies).
func tab(t *testing.T, b context.Context) context.Context {
	t.Helper()
	limited, cancelLimit := context.WithTimeout(b, 4*time.Minute)
	ctx, cancel := chromedp.NewContext(limited, chromedp.WithNewBrowserContext())
	t.Cleanup(func() { cancel(); cancelLimit() })
	return ctx
}

func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("in the browser at %s: %v", loc, err)
	}
}

// get runs one action that returns a value.
func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("in the browser at %s: %v", loc, err)
	}
	return v
}

// login logs in through the login page, as a person would.
func login(e *env, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(e.url+"/login"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), name),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.CSS("header .who")),
	)
}

// screenshot takes the whole page; with -screenshots it is written to
// docs/screenshots/NAME.png.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf := get(t, ctx, chromedp.FullScreenshot(100))
	if _, err := png.Decode(bytes.NewReader(buf)); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if *screenshots {
		dir := filepath.Join("..", "docs", "screenshots")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return strings.TrimSpace(get(t, ctx, chromedp.Text(chromedp.CSS(sel))))
}

func TestBrowserLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := browser(t)
	ctx := tab(t, b)

	// A wrong password is refused with the message in Japanese.
	run(t, ctx,
		chromedp.Navigate(e.url+"/login"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "sato"),
		chromedp.SendKeys(chromedp.ID("password"), "wrong password!"),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("error")),
	)
	if got := textOf(t, ctx, "#error"); got != "利用者名またはパスワードが違います。" {
		t.Errorf("after a wrong password: %q", got)
	}
	screenshot(t, ctx, "login")

	// The right one lands a reviewer on the queue, oldest page first.
	run(t, ctx, login(e, "sato"), chromedp.WaitVisible(chromedp.ID("queue")))
	first := get(t, ctx, chromedp.AttributeValue(chromedp.CSS("#queue tbody tr"), "data-id")).Value
	if first != e.flagged[0] && !contains(e.flagged, first) {
		t.Errorf("queue starts with %q, want one of the flagged pages %v", first, e.flagged)
	}
	if got := textOf(t, ctx, "h1"); got != "確認待ち" {
		t.Errorf("queue heading %q, want 確認待ち", got)
	}
	// The English switch.
	run(t, ctx, chromedp.Click(chromedp.ID("lang")), chromedp.WaitVisible(chromedp.ID("queue")))
	if got := textOf(t, ctx, "h1"); got != "Review queue" {
		t.Errorf("queue heading in English %q", got)
	}
	if got := e.audited("login", "login_failed"); got != "sato:login_failed sato:login" {
		t.Errorf("audited %q, want the failed and the good login", got)
	}
}

func contains(ss []string, s string) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}

// reviewField is a field of the review page as the browser shows it.
type reviewField struct {
	ID, Kind, Value string
	Checked         bool
}

// reviewFields reads the fields of the review page in tab order.
func reviewFields(t *testing.T, ctx context.Context) []reviewField {
	t.Helper()
	return get(t, ctx, chromedp.Evaluate[[]reviewField](`Array.from(document.querySelectorAll("#review-form fieldset.field")).map(f => {
		const i = f.querySelector("input:not([type=hidden])");
		return {ID: f.dataset.field, Kind: i.type, Value: i.value, Checked: i.checked};
	})`))
}

func TestBrowserReviewKeyboardOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := browser(t)
	ctx := tab(t, b)
	run(t, ctx, login(e, "sato"), chromedp.WaitVisible(chromedp.ID("queue")))
	screenshot(t, ctx, "queue")

	// The page to review is one with a value read wrong.
	target := ""
	for _, id := range e.flagged {
		if e.misread(id) != "" {
			target = id
			break
		}
	}
	if target == "" {
		t.Fatal("every value of the generated pages was read right: the test needs one to correct")
	}

	// From here on, keys only: Tab from the first page of the queue to
	// the target, Enter opens it.
	for range len(e.flagged) {
		at := get(t, ctx, chromedp.Evaluate[string](`(document.activeElement.closest("tr") || {dataset: {}}).dataset.id || ""`))
		if at == target {
			break
		}
		run(t, ctx, chromedp.KeyEvent(kb.Tab))
	}
	run(t, ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.ID("review-form")))
	loc := get(t, ctx, chromedp.Location())
	id := loc[strings.LastIndex(loc, "/")+1:]
	if id != target {
		t.Fatalf("the keys opened %s, want %s", loc, target)
	}
	truth := e.truth[id]
	fields := reviewFields(t, ctx)
	if len(fields) == 0 {
		t.Fatalf("review of %s shows no flagged field", id)
	}
	crops := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("img.crop").length`))
	if crops != len(fields) {
		t.Errorf("%d crops for %d flagged fields", crops, len(fields))
	}
	issues := get(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".issue")).map(p => p.textContent)`))
	if len(issues) == 0 {
		t.Error("the review shows no issue")
	}
	for _, is := range issues {
		if strings.Contains(is, " / ") {
			t.Errorf("issue shown in two languages: %q", is)
		}
	}
	screenshot(t, ctx, "review")

	// Type the true value over every flagged text field, tick or untick
	// what the paper says, Tab between them, Enter to confirm.
	want := map[string]string{}
	corrected := 0
	for i, f := range fields {
		tv, known := truth.Fields[f.ID]
		switch {
		case !known:
		case f.Kind == "checkbox":
			if v, _ := tv.Value.(bool); v != f.Checked {
				run(t, ctx, chromedp.KeyEvent(" "))
				corrected++
			}
			want[f.ID] = fmt.Sprint(tv.Value)
		default:
			// As a record holds text: no spaces (docs/records.md).
			v := forms.CompactText(fmt.Sprint(tv.Value))
			if v != f.Value {
				run(t, ctx, chromedp.KeyEvent(v))
				corrected++
			}
			want[f.ID] = v
		}
		if i < len(fields)-1 {
			run(t, ctx, chromedp.KeyEvent(kb.Tab))
		}
	}
	if corrected == 0 {
		t.Fatalf("nothing was corrected on %s, whose %s was read wrong", id, e.misread(id))
	}
	run(t, ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.ID("final")))
	screenshot(t, ctx, "final")
	final := get(t, ctx, chromedp.Evaluate[map[string]string](`Object.fromEntries(Array.from(document.querySelectorAll("#final tr[data-field]")).map(r => [r.dataset.field, r.cells[1].textContent]))`))
	for f, v := range want {
		if final[f] != v {
			t.Errorf("final record %s = %q, want %q (what the paper says)", f, final[f], v)
		}
	}
	// The archive serves the review: one write-once review naming the
	// reviewer and the field corrected, old → new.
	rvs, err := e.archive.Reviews(context.Background(), id, "test", "checking the review the test made")
	if err != nil {
		t.Fatal(err)
	}
	if len(rvs) != 1 || rvs[0].Who != "sato" {
		t.Fatalf("reviews of %s: %+v, want one by sato", id, rvs)
	}
	bad := e.misread(id)
	changed := false
	for _, c := range rvs[0].Changes {
		if c.Field == bad && c.Changed && fmt.Sprint(c.New) == want[bad] {
			changed = true
		}
	}
	if !changed {
		t.Errorf("the review does not record %s corrected to %q: %+v", bad, want[bad], rvs[0].Changes)
	}
	if got := e.audited("get"); !strings.Contains(got, "sato:get:"+id) {
		t.Errorf("the page shown to the reviewer was not recorded as read: %q", got)
	}
	// Enter on the final record goes back to the queue, without the page.
	run(t, ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitReady(chromedp.CSS("h1")))
	left := get(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#queue tr[data-id]")).map(r => r.dataset.id)`))
	if contains(left, id) {
		t.Errorf("%s is still in the queue after its review", id)
	}
}

func TestBrowserTwoReviewersOnePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := browser(t)
	sato, tanaka := tab(t, b), tab(t, b)
	id := e.flagged[0]
	run(t, sato, login(e, "sato"), chromedp.Navigate(e.url+"/review/"+id), chromedp.WaitVisible(chromedp.ID("review-form")))
	run(t, tanaka, login(e, "tanaka"), chromedp.Navigate(e.url+"/review/"+id), chromedp.WaitVisible(chromedp.ID("error")))
	if got := textOf(t, tanaka, "#error"); got != "この書類は他の確認者が確認中です。" {
		t.Errorf("the second reviewer sees %q", got)
	}
	if get(t, tanaka, chromedp.Evaluate[bool](`document.getElementById("review-form") !== null`)) {
		t.Error("the second reviewer got the review form")
	}
	// Nor can the second save it behind the first's back, through the API
	// with a session and token of their own.
	status := get(t, tanaka, chromedp.Evaluate[int](`(async () => {
		const token = document.querySelector('input[name="csrf"]').value;
		const r = await fetch("/api/review/`+id+`", {method: "POST", headers: {"Content-Type": "application/json", "X-CSRF-Token": token}, body: JSON.stringify({fields: {}})});
		return r.status;
	})()`, chromedp.EvalAwaitPromise))
	if status != 409 {
		t.Errorf("the second reviewer's save through the API: %d, want 409", status)
	}
	screenshot(t, tanaka, "review-claimed")
	// The holder rejects it, with keys: Esc, the reason, Enter.
	run(t, sato,
		chromedp.KeyEvent(kb.Escape),
		chromedp.WaitVisible(chromedp.ID("reject-reason")),
		chromedp.KeyEvent("電話番号が二重線で訂正され判読できない"),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.ID("final")),
	)
	if got := textOf(t, sato, "#final-status"); got != "状態: 差し戻し" {
		t.Errorf("after rejecting: %q", got)
	}
	if got := e.audited("review_reject"); got != "sato:review_reject:"+id {
		t.Errorf("audit chain %q, want sato's reject", got)
	}
	if got := e.audited("get"); strings.Contains(got, "tanaka:get:"+id) {
		t.Errorf("the page was read for the reviewer who did not get it: %q", got)
	}
}

func TestBrowserAuditorSearchAndView(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := browser(t)
	ctx := tab(t, b)
	run(t, ctx, login(e, "suzuki"), chromedp.WaitVisible(chromedp.ID("search-form")))
	reason := "本人からの開示請求"
	// By the applicant's name, as the paper says it.
	var name string
	for _, tr := range e.truth {
		name, _ = tr.Fields["applicant_name"].Value.(string)
	}
	run(t, ctx,
		chromedp.SendKeys(chromedp.ID("name-search"), name),
		chromedp.SendKeys(chromedp.ID("reason"), reason),
		chromedp.Click(chromedp.ID("search")),
		chromedp.WaitVisible(chromedp.ID("results")),
	)
	ids := get(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#results tr[data-id]")).map(r => r.dataset.id)`))
	if len(ids) != len(e.truth) {
		t.Errorf("search for %s found %v, want the %d archived application(s)", name, ids, len(e.truth))
	}
	screenshot(t, ctx, "archive-search")
	if got := e.audited("get"); got != "" {
		t.Fatalf("documents read before any was opened: %q", got)
	}
	// Viewing asks for a reason of its own.
	id := ids[0]
	row := `#results tr[data-id="` + id + `"] `
	run(t, ctx,
		chromedp.SendKeys(chromedp.CSS(row+".view-reason"), "開示する書類の確認"),
		chromedp.Click(chromedp.CSS(row+"button")),
		chromedp.WaitVisible(chromedp.ID("page")),
	)
	if got := textOf(t, ctx, "#doc-id"); got != id {
		t.Errorf("viewing %s shows %q", id, got)
	}
	screenshot(t, ctx, "archive-document")
	if got := e.audited("search", "get"); got != "suzuki:search suzuki:get:"+id {
		t.Errorf("audit chain %q, want the search and then the view", got)
	}

	// The chain is whole; altered behind shinsei's back, the view's
	// record is named.
	ctx2 := context.Background()
	rep, err := e.audit.Verify(ctx2)
	if err != nil || !rep.OK() {
		t.Fatalf("audit verify: %v %+v", err, rep)
	}
	var viewKey string
	var viewData []byte
	for r, err := range e.audit.Records(ctx2) {
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(r.Data, []byte(`"get"`)) && bytes.Contains(r.Data, []byte(id)) {
			viewKey, viewData = r.Key, r.Data
		}
	}
	storetest.Tamper(t, e.store).Replace(viewKey, bytes.Replace(viewData, []byte("suzuki"), []byte("nobody"), 1))
	rep, err = e.audit.Verify(ctx2)
	if err != nil {
		t.Fatal(err)
	}
	named := false
	for _, p := range rep.Problems {
		named = named || p.Key == viewKey
	}
	if rep.OK() || !named {
		t.Errorf("audit verify after %s was altered: %+v", viewKey, rep.Problems)
	}
}

func TestBrowserClerkRefusedArchive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := browser(t)
	ctx := tab(t, b)
	run(t, ctx, login(e, "kato"), chromedp.Navigate(e.url+"/archive"), chromedp.WaitVisible(chromedp.ID("error")))
	if got := textOf(t, ctx, "#error"); got != "この操作の権限がありません。" {
		t.Errorf("a clerk at /archive sees %q", got)
	}
	if get(t, ctx, chromedp.Evaluate[bool](`document.getElementById("search-form") !== null`)) {
		t.Error("a clerk got the search form")
	}
	// Nor through the API, with the clerk's own session and token.
	status := get(t, ctx, chromedp.Evaluate[int](`(async () => {
		const r = await fetch("/api/archive/search", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({reason: "x"})});
		return r.status;
	})()`, chromedp.EvalAwaitPromise))
	if status != 403 {
		t.Errorf("a clerk's API search: %d, want 403", status)
	}
	if got := e.audited("search", "get"); got != "" {
		t.Errorf("a clerk's refused search was recorded as a read: %q", got)
	}
}

func TestBrowserPostWithoutCSRFRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := browser(t)
	ctx := tab(t, b)
	id := e.flagged[0]
	run(t, ctx, login(e, "sato"), chromedp.Navigate(e.url+"/review/"+id), chromedp.WaitVisible(chromedp.ID("review-form")))
	get(t, ctx, chromedp.Evaluate[bool](`document.querySelector('#review-form input[name="csrf"]').remove(), true`))
	run(t, ctx,
		chromedp.Click(chromedp.ID("confirm")),
		chromedp.WaitVisible(chromedp.ID("error")),
	)
	if got := textOf(t, ctx, "#error"); got != "フォームの有効期限が切れました。ページを開き直してください。" {
		t.Errorf("a review posted without its CSRF token: %q", got)
	}
	if get(t, ctx, chromedp.Evaluate[bool](`document.getElementById("final") !== null`)) {
		t.Error("a review posted without its CSRF token was saved")
	}
	// The page is still waiting: the refused post changed nothing.
	run(t, ctx, chromedp.Navigate(e.url+"/queue"), chromedp.WaitVisible(chromedp.ID("queue")))
	left := get(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#queue tr[data-id]")).map(r => r.dataset.id)`))
	if !contains(left, id) {
		t.Errorf("%s left the queue after a refused post", id)
	}
}

func TestBrowserCaseDesk(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := browser(t)
	ctx := tab(t, b)
	run(t, ctx, login(e, "kato"), chromedp.WaitVisible(chromedp.ID("open-form")))
	// A proxy application taken at the counter, typed in by hand.
	run(t, ctx,
		chromedp.SendKeys(chromedp.ID("case-name"), "山田 太郎"),
		chromedp.SendKeys(chromedp.ID("case-kana"), "ヤマダ タロウ"),
		chromedp.SendKeys(chromedp.ID("case-birth"), "昭和60年4月12日"),
		chromedp.SendKeys(chromedp.ID("case-proxy"), "山田 花子"),
		chromedp.SendKeys(chromedp.ID("case-address"), "東京都練馬区豊玉北6丁目12番1号"),
		chromedp.Click(chromedp.ID("cert-signature")),
		chromedp.Click(chromedp.ID("open-case")),
		chromedp.WaitVisible(chromedp.ID("opened")),
	)
	id := textOf(t, ctx, "#opened-id")
	// The pending cases, with a reason.
	run(t, ctx,
		chromedp.SendKeys(chromedp.ID("list-reason"), "本日の照会状況の確認"),
		chromedp.Click(chromedp.ID("list")),
		chromedp.WaitVisible(chromedp.ID("cases")),
	)
	rows := get(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#cases tr[data-id]")).map(r => r.dataset.id)`))
	if len(rows) != 1 || rows[0] != id {
		t.Errorf("pending cases %v, want the one opened, %s", rows, id)
	}
	screenshot(t, ctx, "cases")
	// Cancelled at the counter, with the reason.
	row := `#cases tr[data-id="` + id + `"] `
	run(t, ctx,
		chromedp.SendKeys(chromedp.CSS(row+`form[action$="/cancel"] input[name="note"]`), "本人が来庁し申請を取り下げ"),
		chromedp.Click(chromedp.CSS(row+"button.cancel")),
		chromedp.WaitVisible(chromedp.ID("error")),
	)
	if got := textOf(t, ctx, "#error"); got != "事案を取り消しました。" {
		t.Errorf("after cancelling: %q", got)
	}
	if got := e.audited("case_open", "case_list", "case_cancel"); got != "kato:case_open kato:case_list kato:case_cancel" {
		t.Errorf("audit chain %q", got)
	}
}

func TestBrowserReviewCheckBoxKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// The generated page again, as if its reader had been unsure of the
	// 利用者証明用 tick and read it as not ticked: a page whose flagged
	// field is a check box. (A copy under an id of its own.)
	p := e.pages[0]
	rec := p.Record
	rec.Fields = maps.Clone(rec.Fields)
	sha := strings.Repeat("c", 64)
	rec.DocumentID, rec.Source.SHA256 = forms.DocumentID(sha, 1), sha
	for id, fv := range rec.Fields {
		fv.Review = false
		rec.Fields[id] = fv
	}
	rec.Fields["cert_user"] = forms.FieldValue{Value: false, Confidence: 0.5, Review: true}
	rec.Issues = []forms.Issue{{Field: "cert_user", Code: "mark_unsure", Message: "「利用者証明用電子証明書」の印がはっきりしません / the mark is unclear"}}
	rec.Status = forms.NeedsReview
	if _, err := e.archive.Put(context.Background(), archive.Page{Record: rec, Image: p.Canvas, Template: p.Template, Station: station}); err != nil {
		t.Fatal(err)
	}
	b := browser(t)
	ctx := tab(t, b)
	run(t, ctx, login(e, "sato"), chromedp.Navigate(e.url+"/review/"+rec.DocumentID), chromedp.WaitVisible(chromedp.ID("review-form")))
	fields := reviewFields(t, ctx)
	if len(fields) != 1 || fields[0].ID != "cert_user" || fields[0].Kind != "checkbox" || fields[0].Checked {
		t.Fatalf("review fields %+v, want cert_user unticked", fields)
	}
	// Space ticks the box that has the focus; Enter on it confirms.
	run(t, ctx, chromedp.KeyEvent(" "), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.ID("final")))
	if got := textOf(t, ctx, `#final tr[data-field="cert_user"] td:nth-child(2)`); got != "true" {
		t.Errorf("cert_user in the final record: %q, want true", got)
	}
	rvs, err := e.archive.Reviews(context.Background(), rec.DocumentID, "test", "checking the review the test made")
	if err != nil || len(rvs) != 1 {
		t.Fatalf("reviews: %v %+v", err, rvs)
	}
	if c := rvs[0].Changes; len(c) != 1 || c[0].Field != "cert_user" || c[0].Old != false || c[0].New != true {
		t.Errorf("the review's changes %+v, want cert_user false → true", c)
	}
}
