package archive

import (
	"strings"
	"testing"

	"shinsei/forms"
	"shinsei/store"
)

// Values from records and stations become key segments: whatever they
// hold, the key is valid, one segment, and the same value always gives the
// same key while different values give different keys.
func TestSegment(t *testing.T) {
	seen := map[string]string{}
	for _, c := range []struct{ in, want string }{
		{"4991-7264-0", "4991-7264-0"},
		{"市民課", "市民課"},
		{"出張所 2", "出張所 2"},
		{"出張所/2", "出張所%2F2"},
		{"50%", "50%25"},
		{"出張所%2F2", "出張所%252F2"},
		{".", "%2E"},
		{"..", "%2E."},
		{".hidden", "%2Ehidden"},
		{"a.b", "a.b"},
		{`a\b`, "a%5Cb"},
		{"tab\there", "tab%09here"},
		{"bad\xffbyte", "bad%FFbyte"},
		{"repl\uFFFDchar", "repl%EF%BF%BDchar"},
	} {
		got := segment(c.in)
		if got != c.want {
			t.Errorf("segment(%q) = %q, want %q", c.in, got, c.want)
		}
		if err := store.CheckKey("archive/index/station/" + got + "/x-p1"); err != nil || strings.Contains(got, "/") {
			t.Errorf("segment(%q) = %q: not one valid segment: %v", c.in, got, err)
		}
		if prev, ok := seen[got]; ok {
			t.Errorf("segment(%q) and segment(%q) are both %q", prev, c.in, got)
		}
		seen[got] = c.in
	}
}

func TestFileName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"scan-0012.pdf", "scan-0012.pdf"},
		{"/var/spool/scans/受付/申請書-山田.pdf", "申請書-山田.pdf"},
		{`C:\scans\a.tif`, "a.tif"},
		{".hidden.png", "_hidden.png"},
		{"", "original"},
		{"dir/", "original"},
		{"ctl\x00\x1f.pdf", "ctl__.pdf"},
		{"bad\xff.pdf", "bad_.pdf"},
		{strings.Repeat("長", 100) + ".pdf", strings.Repeat("長", 65) + ".pdf"},
		{strings.Repeat("x", 300), strings.Repeat("x", 200)},
	} {
		got := fileName(c.in)
		if got != c.want {
			t.Errorf("fileName(%q) = %q, want %q", c.in, got, c.want)
		}
		if err := store.CheckKey(originalKey(strings.Repeat("a", 64), c.in)); err != nil {
			t.Errorf("originalKey for %q: %v", c.in, err)
		}
	}
}

func TestValidID(t *testing.T) {
	sum := forms.FileSHA256([]byte("a scan"))
	for _, c := range []struct {
		id   string
		want bool
	}{
		{forms.DocumentID(sum, 1), true},
		{forms.DocumentID(sum, 123), true},
		{"539f631247919ee523fd787c-p2", true},
		{"", false},
		{"539f631247919ee523fd787c", false},
		{"539f631247919ee523fd787c-p", false},
		{"539f631247919ee523fd787c-p0", false},
		{"539f631247919ee523fd787c-p02", false},
		{"539F631247919EE523FD787C-p2", false},
		{"-p2", false},
		{"../x-p1", false},
		{"539f-p1/record.json", false},
		{"539f-p1-p2", false},
		{strings.Repeat("a", 65) + "-p1", false},
	} {
		if got := ValidID(c.id); got != c.want {
			t.Errorf("ValidID(%q) = %v, want %v", c.id, got, c.want)
		}
	}
}
