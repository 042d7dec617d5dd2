package users_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"shinsei/pipeline/users"
	"shinsei/store"
	"shinsei/store/storetest"
)

// cheap are argon2id costs small enough for tests under -race; the
// production defaults are checked separately.
var cheap = users.Params{Time: 1, Memory: 64, Threads: 1}

func newRepo(s store.Store) *users.Repo {
	now := func() time.Time { return time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC) }
	return users.New(s, users.Options{Params: cheap, Now: now})
}

func TestAddAuthenticateGetList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		r := newRepo(b.Store)
		if _, err := r.Add(ctx, "suzuki", users.Reviewer, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Add(ctx, "sato.h", users.Auditor, "田中さんの長い合言葉です"); err != nil {
			t.Fatal(err)
		}

		a, err := r.Authenticate(ctx, "suzuki", "correct horse battery")
		if err != nil || a.Name != "suzuki" || a.Role != users.Reviewer {
			t.Errorf("Authenticate(right password) = %+v, %v", a, err)
		}
		if _, err := r.Authenticate(ctx, "sato.h", "田中さんの長い合言葉です"); err != nil {
			t.Errorf("Authenticate with a Japanese password: %v", err)
		}

		// A wrong password and an unknown name fail alike.
		for _, c := range []struct{ name, password string }{
			{"suzuki", "correct horse batterY"},
			{"suzuki", ""},
			{"nobody", "correct horse battery"},
			{"Suzuki", "correct horse battery"},
			{"../suzuki", "correct horse battery"},
		} {
			_, err := r.Authenticate(ctx, c.name, c.password)
			if !errors.Is(err, users.ErrBadLogin) || err.Error() != users.ErrBadLogin.Error() {
				t.Errorf("Authenticate(%q, %q) = %v, want exactly ErrBadLogin", c.name, c.password, err)
			}
		}

		got, err := r.Get(ctx, "sato.h")
		if err != nil || got.Role != users.Auditor || !got.Created.Equal(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("Get = %+v, %v", got, err)
		}
		if _, err := r.Get(ctx, "nobody"); !errors.Is(err, users.ErrNotFound) {
			t.Errorf("Get(nobody) = %v, want ErrNotFound", err)
		}

		list, err := r.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, a := range list {
			names = append(names, a.Name+":"+string(a.Role))
		}
		if strings.Join(names, ",") != "sato.h:auditor,suzuki:reviewer" {
			t.Errorf("List = %v", names)
		}
	})
}

func TestAddRefuses(t *testing.T) {
	ctx := context.Background()
	r := newRepo(storetest.Open(t, "file://"+t.TempDir(), func(string) string { return "" }).Store)
	if _, err := r.Add(ctx, "suzuki", users.Clerk, "0123456789"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		role     users.Role
		password string
		want     error
	}{
		{"suzuki", users.Admin, "another password", users.ErrExist},
		{"", users.Clerk, "0123456789", users.ErrInvalidName},
		{"Suzuki", users.Clerk, "0123456789", users.ErrInvalidName},
		{"鈴木", users.Clerk, "0123456789", users.ErrInvalidName},
		{".hidden", users.Clerk, "0123456789", users.ErrInvalidName},
		{"a/b", users.Clerk, "0123456789", users.ErrInvalidName},
		{strings.Repeat("a", 65), users.Clerk, "0123456789", users.ErrInvalidName},
		{"tanaka", "boss", "0123456789", users.ErrInvalidRole},
		{"tanaka", "", "0123456789", users.ErrInvalidRole},
		{"tanaka", users.Clerk, "012345678", users.ErrWeakPassword},
		{"tanaka", users.Clerk, strings.Repeat("x", 1025), users.ErrWeakPassword},
	} {
		if _, err := r.Add(ctx, c.name, c.role, c.password); !errors.Is(err, c.want) {
			t.Errorf("Add(%q, %q) = %v, want %v", c.name, c.role, err, c.want)
		}
	}
	// The refused add of an existing name left the first account as it was.
	if a, err := r.Authenticate(ctx, "suzuki", "0123456789"); err != nil || a.Role != users.Clerk {
		t.Errorf("after a refused re-add: %+v, %v", a, err)
	}
}

// Two admins adding the same name at once: exactly one succeeds.
func TestConcurrentAdd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		r := newRepo(b.Store)
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, errs[i] = r.Add(ctx, "yamada", users.Reviewer, strings.Repeat(string(rune('a'+i)), 12))
			})
		}
		wg.Wait()
		won := -1
		for i, err := range errs {
			switch {
			case err == nil && won >= 0:
				t.Fatalf("adds %d and %d both succeeded", won, i)
			case err == nil:
				won = i
			case !errors.Is(err, users.ErrExist):
				t.Errorf("add %d: %v", i, err)
			}
		}
		if won < 0 {
			t.Fatal("no add succeeded")
		}
		if _, err := r.Authenticate(ctx, "yamada", strings.Repeat(string(rune('a'+won)), 12)); err != nil {
			t.Errorf("the winner's password does not work: %v", err)
		}
	})
}

func TestStoredHash(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, "file://"+t.TempDir(), func(string) string { return "" }).Store
	r := users.New(s, users.Options{})
	const pw = "a password nobody guesses"
	if _, err := r.Add(ctx, "admin", users.Admin, pw); err != nil {
		t.Fatal(err)
	}
	data, _, err := s.Load(ctx, users.Key("admin"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if strings.Contains(text, pw) {
		t.Fatalf("the stored account holds the password: %s", text)
	}
	// Production defaults, stored with the hash so they can be raised
	// later without locking anyone out.
	if !strings.Contains(text, `"hash": "$argon2id$v=19$m=65536,t=3,p=2$`) {
		t.Errorf("stored account %s: want an argon2id PHC hash with the default costs", text)
	}
	// The salt is random: the same password added twice hashes apart.
	if _, err := r.Add(ctx, "admin2", users.Admin, pw); err != nil {
		t.Fatal(err)
	}
	a1, _ := r.Get(ctx, "admin")
	a2, _ := r.Get(ctx, "admin2")
	if a1.Hash == a2.Hash {
		t.Error("two accounts with the same password have the same hash: the salt is not random")
	}
	// A repo with other costs still verifies the stored hash: the
	// parameters are read from it.
	if _, err := users.New(s, users.Options{Params: cheap}).Authenticate(ctx, "admin", pw); err != nil {
		t.Errorf("verifying with the costs stored in the hash: %v", err)
	}
}

func TestTamperedHashRefused(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, "file://"+t.TempDir(), func(string) string { return "" }).Store
	r := newRepo(s)
	if _, err := r.Add(ctx, "suzuki", users.Reviewer, "0123456789"); err != nil {
		t.Fatal(err)
	}
	data, info, err := s.Load(ctx, users.Key("suzuki"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, from, to string }{
		// A hash asking for 4 TiB of memory must not be attempted.
		{"huge memory", "m=64,", "m=4294967295,"},
		{"not argon2id", "$argon2id$", "$argon2i$"},
	} {
		bad := strings.Replace(string(data), c.from, c.to, 1)
		if bad == string(data) {
			t.Fatalf("%s: %q not in %s", c.name, c.from, data)
		}
		if info, err = s.Swap(ctx, users.Key("suzuki"), info.Version, []byte(bad)); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Authenticate(ctx, "suzuki", "0123456789"); !errors.Is(err, users.ErrBadLogin) {
			t.Errorf("%s: Authenticate = %v, want ErrBadLogin", c.name, err)
		}
	}
}

func TestSetPassword(t *testing.T) {
	ctx := context.Background()
	r := newRepo(storetest.Open(t, "file://"+t.TempDir(), func(string) string { return "" }).Store)
	if _, err := r.Add(ctx, "suzuki", users.Reviewer, "first password"); err != nil {
		t.Fatal(err)
	}
	if err := r.SetPassword(ctx, "suzuki", "second password"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Authenticate(ctx, "suzuki", "first password"); !errors.Is(err, users.ErrBadLogin) {
		t.Errorf("old password after a change: %v", err)
	}
	if a, err := r.Authenticate(ctx, "suzuki", "second password"); err != nil || a.Role != users.Reviewer {
		t.Errorf("new password: %+v, %v", a, err)
	}
	if err := r.SetPassword(ctx, "nobody", "second password"); !errors.Is(err, users.ErrNotFound) {
		t.Errorf("SetPassword(nobody) = %v", err)
	}
	if err := r.SetPassword(ctx, "suzuki", "short"); !errors.Is(err, users.ErrWeakPassword) {
		t.Errorf("SetPassword(short) = %v", err)
	}
}
