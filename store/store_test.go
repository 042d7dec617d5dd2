package store_test

import (
	"errors"
	"strings"
	"testing"

	"shinsei/store"
)

func TestCheckKey(t *testing.T) {
	for _, c := range []struct {
		key string
		ok  bool
	}{
		{"a", true},
		{"archive/2026/11/26/3f9a.json", true},
		{"受付/申請書-山田太郎.pdf", true},
		{"name with spaces.pdf", true},
		{"a-b_c+d=e@f,g", true},
		{strings.Repeat("k", store.MaxKeyLen), true},
		{"", false},
		{"/abs", false},
		{"trailing/", false},
		{"a//b", false},
		{".", false},
		{"..", false},
		{"../up", false},
		{"a/../b", false},
		{"a/./b", false},
		{".hidden", false},
		{"a/.shinsei/tmp", false},
		{"nul\x00", false},
		{"tab\there", false},
		{"del\x7f", false},
		{`a\b`, false},
		{"\xff\xfe", false},
		{strings.Repeat("k", store.MaxKeyLen+1), false},
	} {
		err := store.CheckKey(c.key)
		if c.ok && err != nil {
			t.Errorf("CheckKey(%q) = %v, want ok", c.key, err)
		}
		if !c.ok && !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("CheckKey(%q) = %v, want ErrInvalidKey", c.key, err)
		}
	}
}

func TestCheckPrefix(t *testing.T) {
	for _, p := range []string{"", "a", "a/", "a/b", "受付/2026-", "a/b/"} {
		if err := store.CheckPrefix(p); err != nil {
			t.Errorf("CheckPrefix(%q) = %v", p, err)
		}
	}
	for _, p := range []string{"/", "/a", "../", "a//", ".shinsei/", "a/../"} {
		if err := store.CheckPrefix(p); !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("CheckPrefix(%q) = %v, want ErrInvalidKey", p, err)
		}
	}
}

func TestReadAllLimit(t *testing.T) {
	if b, err := store.ReadAllLimit(strings.NewReader("12345"), 5); err != nil || string(b) != "12345" {
		t.Errorf("at the limit: %q, %v", b, err)
	}
	if _, err := store.ReadAllLimit(strings.NewReader("123456"), 5); !errors.Is(err, store.ErrTooLarge) {
		t.Errorf("past the limit: err = %v, want ErrTooLarge", err)
	}
}
