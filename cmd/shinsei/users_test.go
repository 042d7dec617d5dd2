package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"shinsei/pipeline/audit"
	"shinsei/pipeline/users"
	"shinsei/store/storetest"
)

// shinseiStdin is shinsei with something on standard input.
func shinseiStdin(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), exitCode(err, &errOut)
}

func TestUsersAddList(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte("from a file, 1234\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		stdin string
		args  []string
		code  int
		out   string
	}{
		{"a long password\n", []string{"users", "add", "suzuki", "--role", "reviewer"}, 0, "added suzuki (reviewer)\n"},
		{"", []string{"users", "add", "sato", "--role", "auditor", "--password-file", pwFile}, 0, "added sato (auditor)\n"},
		{"another password\n", []string{"users", "add", "suzuki", "--role", "admin"}, 2, ""},
		{"another password\n", []string{"users", "add", "tanaka"}, 2, ""},
		{"another password\n", []string{"users", "add", "tanaka", "--role", "boss"}, 2, ""},
		{"another password\n", []string{"users", "add", "Tanaka", "--role", "clerk"}, 2, ""},
		{"short\n", []string{"users", "add", "tanaka", "--role", "clerk"}, 2, ""},
		{"", []string{"users", "add", "tanaka", "--role", "clerk"}, 2, ""},
		// There is no flag for the password itself.
		{"", []string{"users", "add", "tanaka", "--role", "clerk", "--password", "0123456789"}, 2, ""},
	} {
		out, errOut, code := shinseiStdin(t, c.stdin, append([]string{"--store", dir}, c.args...)...)
		if code != c.code || (c.out != "" && out != c.out) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d, %q", c.args, code, out, errOut, c.code, c.out)
		}
		if strings.Contains(out+errOut, "password\n") && c.code != 0 {
			t.Errorf("%v: the password was echoed: %q %q", c.args, out, errOut)
		}
	}
	out, _, code := shinseiStdin(t, "", "--store", dir, "users", "list")
	if code != 0 || !regexpLines(out, `^NAME +ROLE +CREATED$`, `^sato +auditor +\d{4}-`, `^suzuki +reviewer +\d{4}-`) {
		t.Errorf("users list: exit %d\n%s", code, out)
	}
	// The accounts work: the trailing newline of stdin and of the file is
	// not part of the password.
	r := users.New(storetest.Open(t, dir, func(string) string { return "" }).Store, users.Options{})
	if _, err := r.Authenticate(context.Background(), "suzuki", "a long password"); err != nil {
		t.Errorf("suzuki: %v", err)
	}
	if _, err := r.Authenticate(context.Background(), "sato", "from a file, 1234"); err != nil {
		t.Errorf("sato: %v", err)
	}
	// Each account added is a change in the audit chain.
	var added []string
	for rec, err := range audit.New(storetest.Open(t, dir, func(string) string { return "" }).Store, audit.Options{}).Records(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		var c audit.Change
		rec.Decode(&c)
		added = append(added, c.Action+":"+c.Account+":"+c.Role)
	}
	if strings.Join(added, " ") != "user_add:suzuki:reviewer user_add:sato:auditor" {
		t.Errorf("audit records: %v", added)
	}
}

// regexpLines reports whether out has exactly one line per pattern, each
// matching its pattern.
func regexpLines(out string, patterns ...string) bool {
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(patterns) {
		return false
	}
	for i, p := range patterns {
		if !regexp.MustCompile(p).MatchString(lines[i]) {
			return false
		}
	}
	return true
}
