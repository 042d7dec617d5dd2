package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"shinsei/web"
)

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrfOf fetches a page and returns the CSRF token its forms carry.
func (e *env) csrfOf(c *http.Client, path string) string {
	e.t.Helper()
	resp, err := c.Get(e.url + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := csrfField.FindSubmatch(body)
	if m == nil {
		e.t.Fatalf("GET %s (%d): no CSRF token in the page", path, resp.StatusCode)
	}
	return string(m[1])
}

// post sends a form; csrf "" leaves the token out.
func (e *env) post(c *http.Client, path, csrf string, form url.Values) *http.Response {
	e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if csrf != "" {
		form.Set("csrf", csrf)
	}
	resp, err := c.PostForm(e.url+path, form)
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// loginAs logs a fresh client in through the form and returns it with its
// session's CSRF token.
func (e *env) loginAs(name, pw string) (*http.Client, string, int) {
	e.t.Helper()
	c := e.client()
	resp := e.post(c, "/login", e.csrfOf(c, "/login"), url.Values{"name": {name}, "password": {pw}})
	if resp.StatusCode != http.StatusSeeOther {
		return c, "", resp.StatusCode
	}
	// Any page a logged-in person gets carries the logout form, and its token.
	return c, e.csrfOf(c, "/no-such-page"), resp.StatusCode
}

func TestRolesOnEveryRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.flagged[0]
	routes := []struct {
		method, path string
		json         bool
		allowed      web.Role
	}{
		{"GET", "/queue", false, web.RoleReviewer},
		{"GET", "/review/" + id, false, web.RoleReviewer},
		{"POST", "/review/" + id, false, web.RoleReviewer},
		{"POST", "/review/" + id + "/reject", false, web.RoleReviewer},
		{"GET", "/archive", false, web.RoleAuditor},
		{"POST", "/archive", false, web.RoleAuditor},
		{"POST", "/archive/doc/" + id, false, web.RoleAuditor},
		{"POST", "/archive/doc/" + id + "/pdf", false, web.RoleAuditor},
		{"POST", "/archive/export/csv", false, web.RoleAuditor},
		{"GET", "/cases", false, web.RoleClerk},
		{"POST", "/cases", false, web.RoleClerk},
		{"POST", "/cases/open", false, web.RoleClerk},
		{"POST", "/cases/1234-5678-9/sheet", false, web.RoleClerk},
		{"POST", "/cases/1234-5678-9/complete", false, web.RoleClerk},
		{"POST", "/cases/1234-5678-9/cancel", false, web.RoleClerk},
		{"GET", "/api/queue", true, web.RoleReviewer},
		{"POST", "/api/review/" + id + "/claim", true, web.RoleReviewer},
		{"POST", "/api/review/" + id + "/open", true, web.RoleReviewer},
		{"POST", "/api/review/" + id, true, web.RoleReviewer},
		{"POST", "/api/review/" + id + "/reject", true, web.RoleReviewer},
		{"POST", "/api/archive/search", true, web.RoleAuditor},
		{"POST", "/api/archive/docs/" + id, true, web.RoleAuditor},
		{"POST", "/api/cases/list", true, web.RoleClerk},
		{"POST", "/api/cases", true, web.RoleClerk},
		{"POST", "/api/cases/1234-5678-9/complete", true, web.RoleClerk},
		{"POST", "/api/cases/1234-5678-9/cancel", true, web.RoleClerk},
	}
	people := map[web.Role]string{web.RoleReviewer: "sato", web.RoleAuditor: "suzuki", web.RoleClerk: "kato", web.RoleAdmin: "ito"}
	e.addUser("ito", "admin")
	for role, name := range people {
		c, csrf, code := e.loginAs(name, password)
		if code != http.StatusSeeOther {
			t.Fatalf("login %s: %d", name, code)
		}
		for _, r := range routes {
			var body io.Reader
			if r.method == "POST" {
				body = strings.NewReader("{}")
			}
			req, _ := http.NewRequest(r.method, e.url+r.path, body)
			if r.json {
				req.Header.Set("Content-Type", "application/json")
			} else if r.method == "POST" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Body = io.NopCloser(strings.NewReader(url.Values{"csrf": {csrf}}.Encode()))
			}
			req.Header.Set("X-CSRF-Token", csrf)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			forbidden := resp.StatusCode == http.StatusForbidden
			if forbidden != (role != r.allowed) {
				t.Errorf("%s %s %s: %d (allowed only for %s)", role, r.method, r.path, resp.StatusCode, r.allowed)
			}
		}
	}
	// Nobody logged in: pages send to the login page, the API says 401.
	c := e.client()
	for _, r := range routes {
		req, _ := http.NewRequest(r.method, e.url+r.path, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want := http.StatusUnauthorized
		if !r.json && r.method == "GET" {
			want = http.StatusSeeOther
		}
		if resp.StatusCode != want {
			t.Errorf("not logged in, %s %s: %d, want %d", r.method, r.path, resp.StatusCode, want)
		}
	}
}

func TestCSRFRequired(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// A login form posted without the token of its page.
	c := e.client()
	e.csrfOf(c, "/login")
	if resp := e.post(c, "/login", "", url.Values{"name": {"sato"}, "password": {password}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("login without CSRF token: %d, want 403", resp.StatusCode)
	}
	if resp := e.post(c, "/login", "forged", url.Values{"name": {"sato"}, "password": {password}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("login with a wrong CSRF token: %d, want 403", resp.StatusCode)
	}
	c, csrf, _ := e.loginAs("suzuki", password)
	search := url.Values{"reason": {"監査"}}
	for _, tok := range []string{"", "x" + csrf} {
		if resp := e.post(c, "/archive", tok, search); resp.StatusCode != http.StatusForbidden {
			t.Errorf("archive search with token %q: %d, want 403", tok, resp.StatusCode)
		}
	}
	if got := e.audited("search"); got != "" {
		t.Errorf("a refused search was run: %q", got)
	}
	if resp := e.post(c, "/archive", csrf, search); resp.StatusCode != http.StatusOK {
		t.Errorf("archive search with its token: %d", resp.StatusCode)
	}
	// The token is the session's: another session's does not do.
	_, other, _ := e.loginAs("suzuki", password)
	if resp := e.post(c, "/archive", other, search); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another session's token: %d, want 403", resp.StatusCode)
	}
}

func TestLoginRateLimited(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.Local)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newEnv(t, func(c *web.Config) { c.Now = clock })
	for i := range 5 {
		if _, _, code := e.loginAs("sato", "not the password"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i+1, code)
		}
	}
	// The right password is refused too while the name is locked.
	if _, _, code := e.loginAs("sato", password); code != http.StatusTooManyRequests {
		t.Errorf("after 5 failures: %d, want 429", code)
	}
	mu.Lock()
	now = now.Add(16 * time.Minute)
	mu.Unlock()
	if _, _, code := e.loginAs("sato", password); code != http.StatusSeeOther {
		t.Errorf("after the window: %d, want a login", code)
	}
}

func TestSessionCookieAndExpiry(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.Local)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newEnv(t, func(c *web.Config) { c.Now = clock })
	c := e.client()
	resp, err := c.Get(e.url + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookies := resp.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies %v", cookies)
	}
	ck := cookies[0]
	if !strings.HasPrefix(ck.Name, "__Host-") || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" {
		t.Errorf("session cookie %+v: want __Host-, Secure, HttpOnly, SameSite=Strict, Path=/", ck)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "Cache-Control"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	c, _, _ = e.loginAs("sato", password)
	get := func() int {
		resp, err := c.Get(e.url + "/queue")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(); code != http.StatusOK {
		t.Fatalf("queue after login: %d", code)
	}
	mu.Lock()
	now = now.Add(29 * time.Minute)
	mu.Unlock()
	if code := get(); code != http.StatusOK {
		t.Errorf("29 minutes idle: %d, want the page", code)
	}
	mu.Lock()
	now = now.Add(31 * time.Minute)
	mu.Unlock()
	if code := get(); code != http.StatusSeeOther {
		t.Errorf("31 minutes idle: %d, want the login page", code)
	}
}

// api sends a JSON request with the session's token.
func (e *env) api(c *http.Client, method, path, csrf string, in, out any) int {
	e.t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, e.url+path, body)
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			e.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

func TestAPIReview(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	var sess struct {
		User, Role string
		CSRFToken  string `json:"csrf_token"`
	}
	if code := e.api(c, "POST", "/api/login", "", map[string]string{"name": "sato", "password": password}, &sess); code != http.StatusOK || sess.CSRFToken == "" {
		t.Fatalf("API login: %d %+v", code, sess)
	}
	var queue []struct {
		DocumentID string `json:"document_id"`
	}
	if code := e.api(c, "GET", "/api/queue", "", nil, &queue); code != http.StatusOK || len(queue) != len(e.flagged) {
		t.Fatalf("queue: %d %+v, want the %d flagged pages", code, queue, len(e.flagged))
	}
	id := queue[0].DocumentID
	if code := e.api(c, "POST", "/api/review/"+id+"/claim", "", nil, nil); code != http.StatusForbidden {
		t.Errorf("claim without X-CSRF-Token: %d, want 403", code)
	}
	if code := e.api(c, "POST", "/api/review/"+id+"/claim", sess.CSRFToken, nil, nil); code != http.StatusOK {
		t.Fatalf("claim: %d", code)
	}
	var doc struct {
		Record struct {
			Fields map[string]struct {
				Value  any
				Review bool
			}
		}
		PagePDF []byte `json:"page_pdf"`
	}
	if code := e.api(c, "POST", "/api/review/"+id+"/open", sess.CSRFToken, nil, &doc); code != http.StatusOK || len(doc.PagePDF) == 0 {
		t.Fatalf("open: %d, %d bytes of page", code, len(doc.PagePDF))
	}
	if code := e.api(c, "POST", "/api/review/"+id+"/reject", sess.CSRFToken, map[string]string{"reason": " "}, nil); code != http.StatusBadRequest {
		t.Errorf("reject without a reason: %d, want 400", code)
	}
	fields := map[string]any{}
	for f, fv := range doc.Record.Fields {
		if fv.Review {
			fields[f] = fv.Value
			if tv, ok := e.truth[id].Fields[f]; ok {
				fields[f] = tv.Value
			}
		}
	}
	var rv struct {
		Who    string
		Record struct{ Status string }
	}
	if code := e.api(c, "POST", "/api/review/"+id, sess.CSRFToken, map[string]any{"fields": fields}, &rv); code != http.StatusOK || rv.Who != "sato" {
		t.Fatalf("save: %d %+v", code, rv)
	}
	if code := e.api(c, "POST", "/api/review/"+id, sess.CSRFToken, map[string]any{"fields": fields}, nil); code != http.StatusConflict {
		t.Errorf("a second save of the same page: %d, want 409", code)
	}
	// A body that is not JSON is refused before anything is done.
	req, _ := http.NewRequest("POST", e.url+"/api/archive/search", strings.NewReader("reason=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", sess.CSRFToken)
	if resp, err := c.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer's form-encoded archive search: %v %v, want 403", resp.StatusCode, err)
	}
}

func TestAPIArchive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	var sess struct {
		CSRFToken string `json:"csrf_token"`
	}
	if code := e.api(c, "POST", "/api/login", "", map[string]string{"name": "suzuki", "password": password}, &sess); code != http.StatusOK {
		t.Fatalf("API login: %d", code)
	}
	if code := e.api(c, "POST", "/api/archive/search", sess.CSRFToken, map[string]string{"form": "jpki-application"}, nil); code != http.StatusBadRequest {
		t.Errorf("search without a reason: %d, want 400", code)
	}
	var recs []struct {
		DocumentID string `json:"document_id"`
	}
	if code := e.api(c, "POST", "/api/archive/search", sess.CSRFToken, map[string]string{"form": "jpki-application", "reason": "監査"}, &recs); code != http.StatusOK || len(recs) != len(e.truth) {
		t.Fatalf("search: %d, %d records, want %d", code, len(recs), len(e.truth))
	}
	if code := e.api(c, "POST", "/api/archive/docs/"+recs[0].DocumentID, sess.CSRFToken, map[string]string{}, nil); code != http.StatusBadRequest {
		t.Errorf("view without a reason: %d, want 400", code)
	}
	var doc struct {
		PagePDF []byte `json:"page_pdf"`
	}
	if code := e.api(c, "POST", "/api/archive/docs/"+recs[0].DocumentID, sess.CSRFToken, map[string]string{"reason": "監査"}, &doc); code != http.StatusOK || len(doc.PagePDF) == 0 {
		t.Errorf("view: %d, %d bytes of page", code, len(doc.PagePDF))
	}
	if got := e.audited("search", "get"); got != "suzuki:search suzuki:get:"+recs[0].DocumentID {
		t.Errorf("audit chain %q", got)
	}
}

func TestCaseSheet(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, csrf, _ := e.loginAs("kato", password)
	resp, err := c.PostForm(e.url+"/cases/open", url.Values{"csrf": {csrf}, "name": {"山田 太郎"}, "kana": {"ヤマダ タロウ"},
		"birth": {"1985/04/12"}, "address": {"東京都練馬区豊玉北6丁目12番1号"}, "cert": {"signature", "user"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`id="opened-id">([0-9-]+)<`).FindSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("opening a case: %d\n%s", resp.StatusCode, body)
	}
	id := string(m[1])
	resp, err = c.PostForm(e.url+"/cases/"+id+"/sheet", url.Values{"csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Errorf("answer sheet: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(pdf))
	}
	if got := e.audited("case_open", "case_sheet"); got != "kato:case_open kato:case_sheet" {
		t.Errorf("audit chain %q", got)
	}
	// Completing needs a reason.
	if resp := e.post(c, "/cases/"+id+"/complete", csrf, nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("complete without a note: %d, want 400", resp.StatusCode)
	}
}

func TestArchiveExports(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, csrf, _ := e.loginAs("suzuki", password)
	id := e.flagged[0]
	for _, x := range []struct {
		path, reason, ctype, prefix string
		code                        int
	}{
		{"/archive/export/csv", "監査", "text/csv; charset=utf-8", "\ufeffdocument_id,", 200},
		{"/archive/export/jsonl", "監査", "application/jsonl; charset=utf-8", `{"document_id":"` + id, 200},
		{"/archive/export/csv", "", "", "", 400},
		{"/archive/doc/" + id + "/pdf", "開示", "application/pdf", "%PDF-", 200},
		{"/archive/doc/" + id + "/json", "開示", "application/json; charset=utf-8", `{"document_id":"` + id, 200},
		{"/archive/doc/" + id + "/pdf", "", "", "", 400},
	} {
		resp, err := c.PostForm(e.url+x.path, url.Values{"csrf": {csrf}, "form": {"jpki-application"}, "reason": {x.reason}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != x.code || (x.code == 200 && (resp.Header.Get("Content-Type") != x.ctype || !strings.HasPrefix(string(body), x.prefix))) {
			t.Errorf("%s (reason %q): %d %s %.40q", x.path, x.reason, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
	if got := e.audited("search", "get"); got != "suzuki:search suzuki:search suzuki:get:"+id+" suzuki:get:"+id {
		t.Errorf("audit chain %q: want each export recorded, the refused ones not", got)
	}
}

func TestAPICases(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	var sess struct {
		CSRFToken string `json:"csrf_token"`
	}
	if code := e.api(c, "POST", "/api/login", "", map[string]string{"name": "kato", "password": password}, &sess); code != http.StatusOK {
		t.Fatalf("API login: %d", code)
	}
	var opened struct{ ID, Status string }
	in := map[string]any{"person": map[string]string{"name": "山田 太郎", "kana": "ヤマダ タロウ", "birth_date": "昭和60年4月12日", "address": "東京都練馬区豊玉北6丁目12番1号"}, "certs": []string{"signature"}}
	if code := e.api(c, "POST", "/api/cases", sess.CSRFToken, in, &opened); code != http.StatusOK || opened.Status != "pending" {
		t.Fatalf("open: %d %+v", code, opened)
	}
	if code := e.api(c, "POST", "/api/cases/list", sess.CSRFToken, map[string]string{"status": "pending"}, nil); code != http.StatusBadRequest {
		t.Errorf("list without a reason: %d, want 400", code)
	}
	var list []struct{ ID string }
	if code := e.api(c, "POST", "/api/cases/list", sess.CSRFToken, map[string]string{"status": "pending", "reason": "確認"}, &list); code != http.StatusOK || len(list) != 1 || list[0].ID != opened.ID {
		t.Errorf("list: %d %+v, want %s", code, list, opened.ID)
	}
	if code := e.api(c, "POST", "/api/cases/"+opened.ID+"/cancel", sess.CSRFToken, map[string]string{}, nil); code != http.StatusBadRequest {
		t.Errorf("cancel without a note: %d, want 400", code)
	}
	var moved struct{ Status string }
	if code := e.api(c, "POST", "/api/cases/"+opened.ID+"/cancel", sess.CSRFToken, map[string]string{"note": "取り下げ"}, &moved); code != http.StatusOK || moved.Status != "cancelled" {
		t.Errorf("cancel: %d %+v", code, moved)
	}
	if code := e.api(c, "POST", "/api/cases/"+opened.ID+"/complete", sess.CSRFToken, map[string]string{"note": "完了"}, nil); code != http.StatusConflict {
		t.Errorf("completing a cancelled case: %d, want 409", code)
	}
	if got := e.audited("case_open", "case_list", "case_cancel", "case_change"); got != "kato:case_open kato:case_list kato:case_cancel kato:case_change" {
		t.Errorf("audit chain %q", got)
	}
}
