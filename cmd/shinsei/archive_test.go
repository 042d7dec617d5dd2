package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/internal/pdfout"
	"shinsei/pipeline/archive"
	"shinsei/pipeline/audit"
	"shinsei/store"
	"shinsei/store/storetest"
	"shinsei/store/storeurl"
	"shinsei/templates"
)

// archiveDay is the day the seeded documents are archived on, in local
// time as the CLI reads --from and --to.
var archiveDay = time.Date(2026, 5, 1, 10, 0, 0, 0, time.Local)

type seeded struct{ answer, app, unknown string }

// seedArchive archives three pages straight through pipeline/archive, as
// scan --archive will: an answer sheet of a case, an application, and a
// page that is not a form.
func seedArchive(t *testing.T, s store.Store) seeded {
	t.Helper()
	ctx := context.Background()
	a := archive.New(s, archive.Options{Now: func() time.Time { return archiveDay }})
	reg := templates.Builtin()
	put := func(name, templateID string, status forms.Status, caseID, station string) string {
		t.Helper()
		file := []byte("fake scan " + name)
		sum := forms.FileSHA256(file)
		w, h := templates.PageSizePx(100)
		img := image.NewGray(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = 255
		}
		p := archive.Page{
			Record: forms.Record{
				DocumentID: forms.DocumentID(sum, 1),
				Source:     forms.Source{Name: name, SHA256: sum, Page: 1},
				Status:     status,
				Fields:     map[string]forms.FieldValue{},
				Issues:     []forms.Issue{},
			},
			Image:        img,
			Original:     file,
			OriginalName: name,
			Station:      station,
		}
		if templateID != "" {
			tp, err := reg.Get(templateID, 0)
			if err != nil {
				t.Fatal(err)
			}
			p.Template = tp
			p.Record.Template = &forms.TemplateRef{ID: tp.ID, Revision: tp.Revision}
		}
		if caseID != "" {
			p.Record.Case = &forms.CaseLink{ID: caseID, Match: "qr", Status: "pending"}
		}
		e, err := a.Put(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return e.DocumentID
	}
	return seeded{
		answer:  put("answer.pdf", "jpki-answer", forms.NeedsReview, "4991-7264-0", "市民課"),
		app:     put("application.pdf", "jpki-application", forms.Accepted, "", "出張所"),
		unknown: put("photo.jpg", "", forms.NeedsReview, "", ""),
	}
}

func localArchive(t *testing.T) (storeURL string, s store.Store) {
	t.Helper()
	dir := t.TempDir()
	s, err := storeurl.Open(context.Background(), dir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return "file://" + dir, s
}

func userEnv(t *testing.T, user string) func(string) string {
	home := t.TempDir()
	return func(k string) string {
		switch k {
		case "HOME":
			return home
		case "USER":
			return user
		}
		return ""
	}
}

// auditLog is the reads recorded in the audit log (changes, such as a
// case opened, are left out: auditChanges lists them).
func auditLog(t *testing.T, s store.Store) []archive.AuditEntry {
	t.Helper()
	log, err := archive.New(s, archive.Options{}).Audit(context.Background(), time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(log, func(e archive.AuditEntry) bool { return isChange(e.Action) })
}

// auditChanges is the changes recorded in the audit log, as
// "action:who:case".
func auditChanges(t *testing.T, s store.Store) []string {
	t.Helper()
	var out []string
	for r, err := range audit.New(s, audit.Options{}).Records(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		var c audit.Change
		if err := r.Decode(&c); err != nil {
			t.Fatal(err)
		}
		if isChange(c.Action) {
			out = append(out, c.Action+":"+c.Who+":"+c.CaseID)
		}
	}
	return out
}

func isChange(action string) bool {
	switch action {
	case audit.ActionCaseOpen, audit.ActionCaseComplete, audit.ActionCaseCancel, audit.ActionLogin, audit.ActionLoginFailed,
		audit.ActionLogout, audit.ActionReviewSave, audit.ActionReviewReject, audit.ActionUserAdd:
		return true
	}
	return false
}

func TestArchiveSearch(t *testing.T) {
	url, s := localArchive(t)
	ids := seedArchive(t, s)
	env := userEnv(t, "tanaka")
	sorted := func(v ...string) []string { slices.Sort(v); return v }
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"everything", nil, sorted(ids.answer, ids.app, ids.unknown)},
		{"case", []string{"--case", "4991-7264-0"}, sorted(ids.answer)},
		{"form", []string{"--form", "jpki-application"}, sorted(ids.app)},
		{"unknown form", []string{"--form", "unknown"}, sorted(ids.unknown)},
		{"status", []string{"--status", "needs_review"}, sorted(ids.answer, ids.unknown)},
		{"station", []string{"--station", "出張所"}, sorted(ids.app)},
		{"day", []string{"--from", "2026-05-01", "--to", "2026-05-01"}, sorted(ids.answer, ids.app, ids.unknown)},
		{"before", []string{"--to", "2026-04-30"}, nil},
		{"after", []string{"--from", "2026-05-02"}, nil},
		{"two criteria", []string{"--status", "needs_review", "--station", "市民課"}, sorted(ids.answer)},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"--store", url, "archive", "search", "--reason", "monthly check"}, c.args...)
			out, errOut, code := shinsei(t, env, append(args, "--json")...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got []string
			dec := json.NewDecoder(strings.NewReader(out))
			for dec.More() {
				var r forms.Record
				if err := dec.Decode(&r); err != nil {
					t.Fatalf("--json output is not JSON Lines of records: %v\n%s", err, out)
				}
				got = append(got, r.DocumentID)
			}
			if strings.Count(out, "\n") != len(got) {
				t.Errorf("--json: %d lines for %d records:\n%s", strings.Count(out, "\n"), len(got), out)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("--json found %q, want %q", got, c.want)
			}

			out, errOut, code = shinsei(t, env, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if !strings.HasPrefix(lines[0], "DOCUMENT") || !strings.Contains(lines[0], "FORM") || !strings.Contains(lines[0], "SOURCE") {
				t.Errorf("table header: %q", lines[0])
			}
			if len(lines)-1 != len(c.want) {
				t.Errorf("table has %d rows, want %d:\n%s", len(lines)-1, len(c.want), out)
			}
			for i, id := range c.want {
				if i+1 < len(lines) && !strings.HasPrefix(lines[i+1], id+" ") {
					t.Errorf("row %d: %q, want document %s", i+1, lines[i+1], id)
				}
			}
			if !strings.Contains(errOut, "recorded in the audit log") {
				t.Errorf("stderr %q does not say the search was recorded", errOut)
			}
		})
	}
	// The table shows form, status, case and source.
	out, _, _ := shinsei(t, env, "--store", url, "archive", "search", "--case", "4991-7264-0", "--reason", "r")
	for _, want := range []string{ids.answer, "jpki-answer@1", "needs_review", "4991-7264-0", "answer.pdf p.1"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// Every search was recorded, under $USER.
	log := auditLog(t, s)
	if len(log) == 0 {
		t.Fatal("no audit entries")
	}
	for _, e := range log {
		if e.Action != archive.ActionSearch || e.Who != "tanaka" || e.Why == "" || e.Query == nil {
			t.Errorf("audit entry %+v", e)
		}
	}
}

func TestArchiveGet(t *testing.T) {
	url, s := localArchive(t)
	ids := seedArchive(t, s)
	dir := filepath.Join(t.TempDir(), "export")
	out, errOut, code := shinsei(t, userEnv(t, "tanaka"), "--store", url, "archive", "get", ids.answer, ids.unknown, "--out", dir, "--user", "suzuki", "--reason", "照会への回答")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, id := range []string{ids.answer, ids.unknown} {
		data, err := os.ReadFile(filepath.Join(dir, id+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var rec forms.Record
		if err := json.Unmarshal(data, &rec); err != nil || rec.DocumentID != id {
			t.Errorf("%s.json: %v, document_id %q", id, err, rec.DocumentID)
		}
		pdf, err := os.ReadFile(filepath.Join(dir, id+".pdf"))
		if err != nil {
			t.Fatal(err)
		}
		pages, err := pdfout.PageImages(bytes.NewReader(pdf))
		if err != nil || len(pages) != 1 {
			t.Errorf("%s.pdf: %d pages, %v", id, len(pages), err)
		}
		if !strings.Contains(out, filepath.Join(dir, id+".pdf")) {
			t.Errorf("output does not name %s.pdf:\n%s", id, out)
		}
	}
	log := auditLog(t, s)
	if len(log) != 2 {
		t.Fatalf("%d audit entries, want one per document read: %+v", len(log), log)
	}
	for i, id := range []string{ids.answer, ids.unknown} {
		if e := log[i]; e.Action != archive.ActionGet || e.DocumentID != id || e.Who != "suzuki" || e.Why != "照会への回答" {
			t.Errorf("audit entry %d = %+v", i, e)
		}
	}
}

// The scanned file kept for a document is exported only through get
// --original, and its read is recorded as its own audit entry; a document
// without one says so and records no read of one.
func TestArchiveGetOriginal(t *testing.T) {
	url, s := localArchive(t)
	ids := seedArchive(t, s)
	dir := filepath.Join(t.TempDir(), "export")
	out, errOut, code := shinsei(t, userEnv(t, "tanaka"), "--store", url, "archive", "get", ids.app, ids.answer, "--original", "--out", dir, "--reason", "原本の確認")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(filepath.Join(dir, ids.app+"-application.pdf"))
	if err != nil || string(data) != "fake scan application.pdf" {
		t.Errorf("the application's scanned file: %q, %v", data, err)
	}
	if !strings.Contains(out, ids.answer+": no scanned file was kept") {
		t.Errorf("output does not say the answer sheet has no scanned file:\n%s", out)
	}
	var got []string
	for _, e := range auditLog(t, s) {
		if e.Who != "tanaka" || e.Why != "原本の確認" {
			t.Errorf("audit entry %+v", e)
		}
		got = append(got, e.Action+" "+e.DocumentID)
	}
	want := []string{"get " + ids.app, "original " + ids.app, "get " + ids.answer}
	if !slices.Equal(got, want) {
		t.Errorf("audit log %q, want %q", got, want)
	}
	if _, errOut, code := shinsei(t, userEnv(t, "tanaka"), "--store", url, "archive", "search", "--original", "--reason", "r"); code != 2 || !strings.Contains(errOut, "are for get") {
		t.Errorf("search --original: exit %d, %q", code, errOut)
	}
}

// A read without a reason is refused before the store is touched, with a
// message that says why reads are recorded.
func TestArchiveUsageErrors(t *testing.T) {
	url, s := localArchive(t)
	ids := seedArchive(t, s)
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		env  func(string) string
		args []string
		want string
	}{
		{"search without a reason", userEnv(t, "tanaka"), []string{"archive", "search"}, "every read of the archive is recorded"},
		{"search with a blank reason", userEnv(t, "tanaka"), []string{"archive", "search", "--reason", "  "}, "--reason WHY is required"},
		{"get without a reason", userEnv(t, "tanaka"), []string{"archive", "get", ids.answer, "--out", dir}, "every read of the archive is recorded"},
		{"no user and no $USER", userEnv(t, ""), []string{"archive", "search", "--reason", "r"}, "--user NAME is required"},
		{"no subcommand", userEnv(t, "tanaka"), []string{"archive"}, "want search or get"},
		{"unknown subcommand", userEnv(t, "tanaka"), []string{"archive", "list", "--reason", "r"}, `unknown subcommand "list"`},
		{"get without an id", userEnv(t, "tanaka"), []string{"archive", "get", "--out", dir, "--reason", "r"}, "at least one document ID"},
		{"get without --out", userEnv(t, "tanaka"), []string{"archive", "get", ids.answer, "--reason", "r"}, "--out DIR is required"},
		{"get a path", userEnv(t, "tanaka"), []string{"archive", "get", "../../etc/passwd", "--out", dir, "--reason", "r"}, "not a document ID"},
		{"get with search flags", userEnv(t, "tanaka"), []string{"archive", "get", ids.answer, "--out", dir, "--case", "1", "--reason", "r"}, "are for search"},
		{"search with an argument", userEnv(t, "tanaka"), []string{"archive", "search", "4991", "--reason", "r"}, "takes no arguments"},
		{"a day that is not a day", userEnv(t, "tanaka"), []string{"archive", "search", "--from", "2026-13-01", "--reason", "r"}, "YYYY-MM-DD"},
		{"a status that is not one", userEnv(t, "tanaka"), []string{"archive", "search", "--status", "done", "--reason", "r"}, "want accepted, needs_review or rejected"},
		{"backwards", userEnv(t, "tanaka"), []string{"archive", "search", "--from", "2026-05-02", "--to", "2026-05-01", "--reason", "r"}, "is after"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, errOut, code := shinsei(t, c.env, append([]string{"--store", url}, c.args...)...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "shinsei: ") || !strings.Contains(errOut, c.want) {
				t.Errorf("stderr %q, want one line mentioning %q", errOut, c.want)
			}
		})
	}
	if log := auditLog(t, s); len(log) != 0 {
		t.Errorf("refused reads were recorded as reads: %+v", log)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused gets wrote %d files", len(entries))
	}
	// A document that is not there is an error, not bad usage.
	_, errOut, code := shinsei(t, userEnv(t, "tanaka"), "--store", url, "archive", "get", "0123456789abcdef01234567-p1", "--out", dir, "--reason", "r")
	if code != 1 || !strings.Contains(errOut, "no archived document") {
		t.Errorf("get of a missing document: exit %d, %q", code, errOut)
	}
}

// The same commands against MinIO, named by SHINSEI_STORE as a city's
// workers name it.
func TestArchiveS3(t *testing.T) {
	url, s3env := storetest.S3(t, "")
	getenv := func(k string) string {
		switch k {
		case "SHINSEI_STORE":
			return url
		case "USER":
			return "tanaka"
		}
		return s3env(k)
	}
	s, err := storeurl.Open(context.Background(), url, getenv)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := seedArchive(t, s)
	out, errOut, code := shinsei(t, getenv, "archive", "search", "--case", "4991-7264-0", "--json", "--reason", "check")
	if code != 0 || !strings.Contains(out, `"document_id":"`+ids.answer+`"`) || strings.Count(out, "\n") != 1 {
		t.Errorf("search: exit %d, %s\n%s", code, errOut, out)
	}
	dir := t.TempDir()
	if _, errOut, code := shinsei(t, getenv, "archive", "get", ids.app, "--out", dir, "--reason", "check"); code != 0 {
		t.Fatalf("get: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, ids.app+".pdf")); err != nil {
		t.Error(err)
	}
	if log := auditLog(t, s); len(log) != 2 || log[1].DocumentID != ids.app || log[1].Who != "tanaka" {
		t.Errorf("audit log: %+v", log)
	}
}
