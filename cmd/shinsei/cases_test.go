package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/pipeline/cases"
	"shinsei/pipeline/register"
	"shinsei/store/local"
	"shinsei/store/storetest"
)

// casesEnv is an environment whose store is a fresh local folder.
func casesEnv(t *testing.T) (getenv func(string) string, dir string) {
	t.Helper()
	dir = t.TempDir()
	home := t.TempDir()
	return func(k string) string {
		switch k {
		case "SHINSEI_STORE":
			return "file://" + dir
		case "HOME":
			return home
		case "SHINSEI_USER":
			return casesUser
		}
		return ""
	}, dir
}

// casesUser is the reader casesEnv's commands run as, and reason the
// reason they give: every read of a case is recorded.
const (
	casesUser = "窓口テスト"
	reason    = "テスト"
)

// openCase runs `cases open --json` and returns the case as another tool
// would read it: a plain JSON object.
func openCase(t *testing.T, getenv func(string) string, args ...string) map[string]any {
	t.Helper()
	out, errOut, code := shinsei(t, getenv, append([]string{"--log-level", "warn", "cases", "open", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("cases open %q: exit %d: %s", args, code, errOut)
	}
	var c map[string]any
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatalf("cases open --json printed %q: %v", out, err)
	}
	return c
}

// checkCaseContract holds a case printed as JSON to the DESIGN.md contract.
func checkCaseContract(t *testing.T, c map[string]any) {
	t.Helper()
	for _, k := range []string{"id", "status", "person", "certs", "opened_at"} {
		if _, ok := c[k]; !ok {
			t.Errorf("case JSON lacks %q: %v", k, c)
		}
	}
	p, ok := c["person"].(map[string]any)
	if !ok {
		t.Fatalf("person is %T, want an object", c["person"])
	}
	for _, k := range []string{"name", "kana", "birth_date", "address"} {
		if _, ok := p[k].(string); !ok {
			t.Errorf("person.%s is %T, want a string", k, p[k])
		}
	}
	if _, ok := c["certs"].([]any); !ok {
		t.Errorf("certs is %T, want an array", c["certs"])
	}
	if id, _ := c["id"].(string); id != "" {
		if _, err := forms.ParseCaseRef(id); err != nil {
			t.Errorf("id %q: %v", id, err)
		}
	}
}

func TestCasesLifecycle(t *testing.T) {
	getenv, dir := casesEnv(t)
	quiet := []string{"--log-level", "warn"}
	cmd := func(args ...string) (string, string, int) {
		return shinsei(t, getenv, append(append(quiet, "cases"), args...)...)
	}

	// Text output names the case and what to do next.
	out, errOut, code := cmd("open", "--name", "山田　太郎", "--kana", "やまだ たろう", "--birth", "昭和60年4月12日",
		"--address", "東京都千代田区千代田1-1", "--certs", "signature,user", "--proxy-name", "山田 花子")
	if code != 0 {
		t.Fatalf("open: exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(out, "opened case ") || !strings.Contains(out, "山田 太郎") || !strings.Contains(out, "cases sheet") {
		t.Errorf("open printed:\n%s", out)
	}
	first := strings.Fields(out)[2]

	c := openCase(t, getenv, "--name", "佐藤 花子", "--birth", "1990/1/31", "--address", "大阪府大阪市北区1-1", "--certs", "user")
	checkCaseContract(t, c)
	id := c["id"].(string)
	person := c["person"].(map[string]any)
	if c["status"] != "pending" || person["birth_date"] != "1990-01-31" || person["name"] != "佐藤 花子" {
		t.Errorf("opened %v", c)
	}

	// list: a table, then JSON Lines.
	out, errOut, code = cmd("list", "--reason", reason)
	if code != 0 {
		t.Fatalf("list: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || strings.Join(strings.Fields(lines[0]), " ") != "ID STATUS NAME OPENED DEADLINE" {
		t.Fatalf("list printed:\n%s", out)
	}
	// Both were opened within the same second, so either may come first.
	if row := lines[1] + lines[2]; !strings.Contains(row, id) || !strings.Contains(row, "pending") || !strings.Contains(row, "佐藤 花子") {
		t.Errorf("list rows lack the case:\n%s", out)
	}
	out, _, _ = cmd("list", "--json", "--reason", reason)
	var listed []string
	for line := range strings.Lines(out) {
		var c map[string]any
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatalf("list --json line %q: %v", line, err)
		}
		checkCaseContract(t, c)
		listed = append(listed, c["id"].(string))
	}
	slices.Sort(listed)
	if want := slices.Sorted(slices.Values([]string{first, id})); !slices.Equal(listed, want) {
		t.Errorf("list --json ids %v, want [%s %s]", listed, first, id)
	}

	// show, with the reference typed without hyphens.
	out, errOut, code = cmd("show", strings.ReplaceAll(id, "-", ""), "--json", "--reason", reason)
	if code != 0 {
		t.Fatalf("show: exit %d: %s", code, errOut)
	}
	var shown map[string]any
	if err := json.Unmarshal([]byte(out), &shown); err != nil {
		t.Fatal(err)
	}
	checkCaseContract(t, shown)
	if shown["id"] != id {
		t.Errorf("show %s gave %v", id, shown["id"])
	}
	out, _, _ = cmd("show", first, "--reason", reason)
	for _, want := range []string{first, "山田 太郎", "ヤマダ タロウ", "昭和60年4月12日", "署名用電子証明書・利用者証明用電子証明書", "山田 花子", "history:"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}

	// sheet: the QR code must lead a scan of it back to this case.
	png1 := filepath.Join(t.TempDir(), "sheet.png")
	out, errOut, code = cmd("sheet", id, "--out", png1, "--dpi", "200")
	if code != 0 {
		t.Fatalf("sheet: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, id) || !strings.Contains(out, "jpki-answer") {
		t.Errorf("sheet printed %q", out)
	}
	checkSheetQR(t, png1, id)
	out, _, _ = cmd("show", id, "--json", "--reason", reason)
	if !strings.Contains(out, `"sheet_printed_at":"`) {
		t.Errorf("sheet printing was not recorded: %s", out)
	}

	// complete needs an answer first.
	_, errOut, code = cmd("complete", id)
	if code != 1 || !strings.Contains(errOut, "transition not allowed from pending to completed") {
		t.Errorf("complete of a pending case: exit %d, %q", code, errOut)
	}
	// The answer comes from a scanned sheet, through the same store.
	s, err := local.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cases.New(s, cases.Options{}).Transition(context.Background(), id, forms.CaseAnswered, "scanner", ""); err != nil {
		t.Fatal(err)
	}
	// A sheet is printed for pending cases only.
	_, errOut, code = cmd("sheet", id, "--out", filepath.Join(t.TempDir(), "again.pdf"))
	if code != 1 || !strings.Contains(errOut, "is answered") {
		t.Errorf("sheet of an answered case: exit %d, %q", code, errOut)
	}
	out, errOut, code = cmd("complete", id, "--by", "窓口1", "--note", "交付済み")
	if code != 0 || strings.TrimSpace(out) != "case "+id+": completed" {
		t.Fatalf("complete: exit %d, %q, %s", code, out, errOut)
	}
	out, _, _ = cmd("show", id, "--json", "--reason", reason)
	var done forms.Case
	if err := json.Unmarshal([]byte(out), &done); err != nil {
		t.Fatal(err)
	}
	last := done.History[len(done.History)-1]
	if done.Status != forms.CaseCompleted || last.By != "窓口1" || last.Note != "交付済み" || last.From != forms.CaseAnswered {
		t.Errorf("after complete: %+v", done)
	}
	_, errOut, code = cmd("cancel", id)
	if code != 1 || !strings.Contains(errOut, "already completed") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("cancel of a completed case: exit %d, %q", code, errOut)
	}
	out, _, _ = cmd("list", "--status", "completed", "--reason", reason)
	if !strings.Contains(out, id) || strings.Contains(out, first) {
		t.Errorf("list --status completed:\n%s", out)
	}
}

// checkSheetQR reads a rendered sheet back as the scanner would: find the
// marks, decode the QR code, and expect the case reference in it.
func checkSheetQR(t *testing.T, path, id string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the sheet is not a PNG: %v", err)
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Bounds(), img, img.Bounds().Min, draw.Src)
	res, err := register.Find(g, register.Options{})
	if err != nil {
		t.Fatalf("registration marks: %v", err)
	}
	qr, err := register.DecodeQR(g, res)
	if err != nil {
		t.Fatalf("QR: %v", err)
	}
	if qr.Template != "jpki-answer" || qr.CaseRef != id {
		t.Errorf("QR says %+v, want jpki-answer for case %s", qr, id)
	}
}

func TestCasesCancel(t *testing.T) {
	getenv, _ := casesEnv(t)
	c := openCase(t, getenv, "--name", "山田 太郎", "--birth", "S60.4.12", "--address", "東京都", "--certs", "署名用")
	id := c["id"].(string)
	if c["certs"].([]any)[0] != "signature" {
		t.Errorf("--certs 署名用 gave %v", c["certs"])
	}
	out, errOut, code := shinsei(t, getenv, "--log-level", "warn", "cases", "cancel", id, "--note", "本人が取り下げ", "--json")
	if code != 0 {
		t.Fatalf("cancel: exit %d: %s", code, errOut)
	}
	var got forms.Case
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	last := got.History[len(got.History)-1]
	if got.Status != forms.CaseCancelled || last.Note != "本人が取り下げ" || last.By != casesUser {
		t.Errorf("cancelled case: %+v", got)
	}
	out, _, _ = shinsei(t, getenv, "cases", "list", "--status", "pending", "--reason", reason)
	if strings.Contains(out, id) {
		t.Errorf("a cancelled case is listed as pending:\n%s", out)
	}
}

func TestCasesErrors(t *testing.T) {
	getenv, _ := casesEnv(t)
	id := openCase(t, getenv, "--name", "山田 太郎", "--birth", "1985-04-12", "--address", "東京都", "--certs", "user")["id"].(string)
	typo := []byte(id)
	typo[0] = '0' + (typo[0]-'0'+1)%10
	// A well-formed reference no case has: the typo with the check digit
	// that fits it.
	var unknown string
	for d := '0'; d <= '9'; d++ {
		s := string(typo[:len(typo)-1]) + string(d)
		if _, err := forms.ParseCaseRef(s); err == nil {
			unknown = s
		}
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"show", string(typo), "--reason", reason}, 1, "check digit does not match"},
		{[]string{"show", unknown, "--reason", reason}, 1, "no such case: " + unknown},
		{[]string{"show", id}, 2, "--reason WHY is required"},
		{[]string{"list", "--json", "--reason", " "}, 2, "--reason WHY is required"},
		{[]string{"complete", id, "--reason", reason}, 2, "--reason does not apply here"},
		{[]string{"cancel", unknown}, 1, "no such case"},
		{[]string{"complete", "12345"}, 1, "not a valid case reference"},
		{[]string{"complete", id}, 1, "the answer sheet has not come back yet"},
		{[]string{"open", "--name", "x", "--birth", "1985-02-30", "--address", "y", "--certs", "user"}, 1, "no such date"},
		{[]string{"open", "--name", "x", "--birth", "1985-02-03", "--address", "y", "--certs", "health"}, 1, `unknown certificate "health"`},
		{[]string{"open", "--name", "x"}, 2, "--birth, --address, --certs required"},
		{nil, 2, "want open, list, show"},
		{[]string{"answer", id}, 2, `unknown subcommand "answer"`},
		{[]string{"show"}, 2, "want one case reference"},
		{[]string{"show", id, id}, 2, "want one case reference"},
		{[]string{"list", "extra"}, 2, "takes no arguments"},
		{[]string{"list", "--status", "lost"}, 2, `--status "lost"`},
		{[]string{"list", "--note", "x"}, 2, "--note does not apply here"},
		{[]string{"sheet", id}, 2, "--out F.pdf or F.png is required"},
		{[]string{"sheet", id, "--out", "sheet.jpg"}, 2, "must end in .pdf or .png"},
	} {
		_, errOut, code := shinsei(t, getenv, append([]string{"cases"}, tc.args...)...)
		if code != tc.code {
			t.Errorf("cases %q: exit %d, want %d (%s)", tc.args, code, tc.code, errOut)
		}
		if strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "shinsei: ") || !strings.Contains(errOut, tc.want) {
			t.Errorf("cases %q: stderr %q, want one line saying %q", tc.args, errOut, tc.want)
		}
	}
}

// Issue 14, point 5: every command that shows a case's person writes an
// audit entry first — who, why, which cases — in the archive's audit log,
// as archive get does; without a reader or a reason nothing is shown, and
// a case that does not exist reads nothing and records nothing.
func TestCasesReadsAudited(t *testing.T) {
	getenv, dir := casesEnv(t)
	id := openCase(t, getenv, "--name", "山田 太郎", "--birth", "1985-04-12", "--address", "東京都練馬区豊玉北6丁目12番1号", "--certs", "user")["id"].(string)
	noUser := func(k string) string {
		if k == "SHINSEI_USER" {
			return ""
		}
		return getenv(k)
	}
	for _, c := range []struct {
		env  func(string) string
		args []string
		want string
	}{
		{getenv, []string{"show", id, "--json"}, "--reason WHY is required"},
		{getenv, []string{"list", "--json"}, "--reason WHY is required"},
		{noUser, []string{"show", id, "--reason", reason}, "--user NAME is required"},
		{noUser, []string{"list", "--reason", reason}, "--user NAME is required"},
		{noUser, []string{"sheet", id, "--out", filepath.Join(t.TempDir(), "s.pdf")}, "--user NAME is required"},
		{noUser, []string{"cancel", id, "--json"}, "--by NAME is required"},
	} {
		out, errOut, code := shinsei(t, c.env, append([]string{"cases"}, c.args...)...)
		if code != 2 || out != "" || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "every read of it is recorded") {
			t.Errorf("cases %q: exit %d, stdout %q, stderr %q; want exit 2, nothing shown, %q", c.args, code, out, errOut, c.want)
		}
	}
	s, err := local.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if log := auditLog(t, s); len(log) != 0 {
		t.Fatalf("refused reads were recorded: %+v", log)
	}

	run := func(args ...string) string {
		t.Helper()
		out, errOut, code := shinsei(t, getenv, append([]string{"--log-level", "warn", "cases"}, args...)...)
		if code != 0 {
			t.Fatalf("cases %q: exit %d: %s", args, code, errOut)
		}
		return out
	}
	run("show", id, "--user", "suzuki", "--reason", "本人からの問い合わせ")
	run("list", "--json", "--status", "pending", "--reason", "未回答の確認")
	run("sheet", id, "--out", filepath.Join(t.TempDir(), "sheet.pdf"), "--dpi", "50")
	run("cancel", id, "--note", "本人が取り下げ", "--json")
	other := openCase(t, getenv, "--name", "佐藤 花子", "--birth", "1990-01-31", "--address", "大阪府大阪市北区1-1", "--certs", "user")["id"].(string)
	run("cancel", other) // nothing of the person shown: nothing recorded
	want := []archive.AuditEntry{
		{Who: "suzuki", Why: "本人からの問い合わせ", Action: archive.ActionCaseShow, CaseID: id},
		{Who: casesUser, Why: "未回答の確認", Action: archive.ActionCaseList, CaseIDs: []string{id}, CaseStatus: "pending"},
		{Who: casesUser, Why: sheetReason, Action: archive.ActionCaseSheet, CaseID: id},
		{Who: casesUser, Why: "本人が取り下げ", Action: archive.ActionCaseChange, CaseID: id},
	}
	_, _, _ = shinsei(t, getenv, "cases", "show", strings.Repeat("0", 9)+"0", "--reason", reason) // no such case
	log := auditLog(t, s)
	if len(log) != len(want) {
		t.Fatalf("audit log has %d entries, want %d: %+v", len(log), len(want), log)
	}
	// The changes are recorded too, by whoever made them.
	wantChanges := []string{"case_open:" + casesUser + ":" + id, "case_cancel:" + casesUser + ":" + id, "case_open:" + casesUser + ":" + other, "case_cancel:" + casesUser + ":" + other}
	if got := auditChanges(t, s); !slices.Equal(got, wantChanges) {
		t.Errorf("changes recorded: %q, want %q", got, wantChanges)
	}
	for i, w := range want {
		g := log[i]
		if g.Who != w.Who || g.Why != w.Why || g.Action != w.Action || g.CaseID != w.CaseID || !slices.Equal(g.CaseIDs, w.CaseIDs) || g.CaseStatus != w.CaseStatus {
			t.Errorf("audit entry %d = %+v, want %+v", i, g, w)
		}
		if g.At.IsZero() || i > 0 && g.At.Before(log[i-1].At) {
			t.Errorf("audit entry %d at %v", i, g.At)
		}
	}
}

// The cases live in whatever store --store names, MinIO included.
func TestCasesS3(t *testing.T) {
	url, s3env := storetest.S3(t, "")
	getenv := func(k string) string {
		if k == "SHINSEI_STORE" {
			return url
		}
		return s3env(k)
	}
	id := openCase(t, getenv, "--name", "山田 太郎", "--birth", "1985-04-12", "--address", "東京都", "--certs", "user")["id"].(string)
	out, errOut, code := shinsei(t, getenv, "cases", "list", "--json", "--user", casesUser, "--reason", reason)
	if code != 0 || !strings.Contains(out, `"id":"`+id+`"`) {
		t.Fatalf("list on S3: exit %d, %s %s", code, out, errOut)
	}
	out, _, code = shinsei(t, getenv, "--log-level", "warn", "cases", "cancel", id)
	if code != 0 || !strings.Contains(out, "cancelled") {
		t.Errorf("cancel on S3: exit %d, %s", code, out)
	}
}
