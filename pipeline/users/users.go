// Package users keeps the accounts of the people who use shinsei's review
// and audit UI: one small mutable object per account at users/<name>.json,
// created with the store's conditional create (so two admins adding the same
// name at once cannot both succeed), holding the name, the role and an
// argon2id hash of the password. It does no HTTP: the web UI and the CLI
// both use it.
package users

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"shinsei/store"
)

// Prefix is where accounts live in the store.
const Prefix = "users/"

// Role says what an account may do; the web UI checks it on every route.
type Role string

const (
	// Clerk works the case desk: opens, completes and cancels cases.
	Clerk Role = "clerk"
	// Reviewer confirms and corrects pages that need a person.
	Reviewer Role = "reviewer"
	// Auditor searches and views the archive, and checks the audit log.
	Auditor Role = "auditor"
	// Admin manages accounts.
	Admin Role = "admin"
)

// Roles lists every role, for usage messages and forms.
func Roles() []Role { return []Role{Clerk, Reviewer, Auditor, Admin} }

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// Errors callers test for with errors.Is.
var (
	// ErrBadLogin: the name or the password is wrong. Which one is not
	// said, so a login form cannot be used to find out who has an account.
	ErrBadLogin = errors.New("wrong name or password")
	// ErrExist: Add found the name taken.
	ErrExist = errors.New("an account with that name exists already")
	// ErrNotFound: no account with that name.
	ErrNotFound = errors.New("no such account")
	// ErrInvalidName: a name that cannot be an account name.
	ErrInvalidName = errors.New("invalid account name")
	// ErrInvalidRole: a role that is not one of Roles.
	ErrInvalidRole = errors.New("invalid role")
	// ErrWeakPassword: a password shorter than MinPasswordLen.
	ErrWeakPassword = errors.New("password too short")
)

// MinPasswordLen is the shortest password accepted, in characters.
const MinPasswordLen = 10

// maxPasswordLen bounds what is hashed, so a login form cannot be made to
// hash megabytes.
const maxPasswordLen = 1024

// Params are argon2id's cost parameters. They are stored with every hash,
// so raising them later leaves existing passwords verifiable.
type Params struct {
	Time    uint32 // passes over memory
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultParams follow RFC 9106's second recommended option (64 MiB, three
// passes), with two lanes for the small servers a city hall runs.
func DefaultParams() Params { return Params{Time: 3, Memory: 64 * 1024, Threads: 2} }

const (
	saltLen = 16
	keyLen  = 32
)

// Account is one stored account.
type Account struct {
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	Created time.Time `json:"created"`
	// Hash is the argon2id hash in the PHC string format
	// ($argon2id$v=19$m=…,t=…,p=…$salt$hash); never shown.
	Hash string `json:"hash"`
}

// Options tune a Repo; the zero value is what production wants.
type Options struct {
	// Params are the costs for new hashes; DefaultParams if zero. Tests
	// pass cheap ones.
	Params Params
	// Now is the clock; time.Now if nil.
	Now func() time.Time
	// Log gets what happens to accounts (names and roles, never
	// passwords); discarded if nil.
	Log *slog.Logger
}

// Repo is the account store. It holds no state besides its options, so
// any number of Repos in any number of processes can share a store.
type Repo struct {
	s      store.Store
	params Params
	now    func() time.Time
	log    *slog.Logger
	// dummy is hashed against when a name is unknown, so that a login
	// with an unknown name costs as much as one with a wrong password.
	// Made on first use: a hash costs what a login costs.
	dummyOnce sync.Once
	dummy     string
}

// New returns the accounts kept in s.
func New(s store.Store, opts Options) *Repo {
	r := &Repo{s: s, params: opts.Params, now: opts.Now, log: opts.Log}
	if r.params == (Params{}) {
		r.params = DefaultParams()
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r
}

// Key is the store key of an account.
func Key(name string) string { return Prefix + name + ".json" }

// CheckName returns an error wrapping ErrInvalidName unless name is 1 to 64
// lower-case ASCII letters, digits, '.', '_' or '-', starting with a letter
// or digit: a login name that is the same on every keyboard and a safe key.
func CheckName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("%w %q: want 1 to 64 characters", ErrInvalidName, name)
	}
	for i, c := range name {
		ok := 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || i > 0 && (c == '.' || c == '_' || c == '-')
		if !ok {
			return fmt.Errorf("%w %q: want lower-case letters a-z, digits, and . _ - after the first", ErrInvalidName, name)
		}
	}
	return nil
}

// Add creates an account. The password is hashed here and never stored or
// logged as given.
func (r *Repo) Add(ctx context.Context, name string, role Role, password string) (Account, error) {
	if err := CheckName(name); err != nil {
		return Account{}, err
	}
	if !role.Valid() {
		return Account{}, fmt.Errorf("%w %q: want one of %v", ErrInvalidRole, role, Roles())
	}
	if err := checkPassword(password); err != nil {
		return Account{}, err
	}
	a := Account{Name: name, Role: role, Created: r.now().UTC().Truncate(time.Second), Hash: hashPassword(r.params, password)}
	data, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return Account{}, fmt.Errorf("users: %w", err)
	}
	if _, err := r.s.Swap(ctx, Key(name), "", append(data, '\n')); errors.Is(err, store.ErrExist) {
		return Account{}, fmt.Errorf("users: %s: %w", name, ErrExist)
	} else if err != nil {
		return Account{}, fmt.Errorf("users: add %s: %w", name, err)
	}
	r.log.Info("account added", "name", name, "role", role)
	return a, nil
}

// SetPassword replaces an account's password (compare-and-swap, so a
// concurrent change of the role is not lost).
func (r *Repo) SetPassword(ctx context.Context, name, password string) error {
	if err := checkPassword(password); err != nil {
		return err
	}
	if err := CheckName(name); err != nil {
		return err
	}
	for {
		a, info, err := r.load(ctx, name)
		if err != nil {
			return err
		}
		a.Hash = hashPassword(r.params, password)
		data, err := json.MarshalIndent(a, "", "  ")
		if err != nil {
			return fmt.Errorf("users: %w", err)
		}
		_, err = r.s.Swap(ctx, Key(name), info.Version, append(data, '\n'))
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("users: set password of %s: %w", name, err)
		}
		r.log.Info("password changed", "name", name)
		return nil
	}
}

// Authenticate returns the account if password is its password, and an
// error wrapping ErrBadLogin otherwise, whether the name exists or not;
// both cases cost one hash. Store failures are returned as they are, so a
// broken store is not mistaken for a wrong password.
func (r *Repo) Authenticate(ctx context.Context, name, password string) (Account, error) {
	if len(password) > maxPasswordLen {
		r.spend("") // for the time it takes; a huge password is not hashed
		return Account{}, ErrBadLogin
	}
	if CheckName(name) != nil {
		r.spend(password)
		return Account{}, ErrBadLogin
	}
	a, _, err := r.load(ctx, name)
	if errors.Is(err, ErrNotFound) {
		r.spend(password)
		return Account{}, ErrBadLogin
	}
	if err != nil {
		return Account{}, err
	}
	if !verifyPassword(a.Hash, password) {
		return Account{}, ErrBadLogin
	}
	return a, nil
}

// spend hashes password against a hash of no account, so that a refused
// login takes as long whether or not the name exists.
func (r *Repo) spend(password string) {
	r.dummyOnce.Do(func() { r.dummy = hashPassword(r.params, "not a password of anyone") })
	verifyPassword(r.dummy, password)
}

// Get returns one account.
func (r *Repo) Get(ctx context.Context, name string) (Account, error) {
	if err := CheckName(name); err != nil {
		return Account{}, err
	}
	a, _, err := r.load(ctx, name)
	return a, err
}

// List returns every account, by name.
func (r *Repo) List(ctx context.Context) ([]Account, error) {
	out := []Account{}
	for info, err := range r.s.List(ctx, Prefix) {
		if err != nil {
			return nil, fmt.Errorf("users: list: %w", err)
		}
		name, ok := strings.CutSuffix(strings.TrimPrefix(info.Key, Prefix), ".json")
		if !ok || CheckName(name) != nil {
			r.log.Warn("users: not an account, skipped", "key", info.Key)
			continue
		}
		a, _, err := r.load(ctx, name)
		if errors.Is(err, ErrNotFound) {
			continue // deleted since listed
		}
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (r *Repo) load(ctx context.Context, name string) (Account, store.Info, error) {
	data, info, err := r.s.Load(ctx, Key(name))
	if errors.Is(err, store.ErrNotExist) {
		return Account{}, info, fmt.Errorf("users: %s: %w", name, ErrNotFound)
	}
	if err != nil {
		return Account{}, info, fmt.Errorf("users: %s: %w", name, err)
	}
	var a Account
	if err := json.Unmarshal(data, &a); err != nil {
		return Account{}, info, fmt.Errorf("users: %s: %w", Key(name), err)
	}
	if a.Name != name {
		return Account{}, info, fmt.Errorf("users: %s holds the account %q", Key(name), a.Name)
	}
	return a, info, nil
}

func checkPassword(p string) error {
	if n := utf8.RuneCountInString(p); n < MinPasswordLen {
		return fmt.Errorf("%w: %d characters, want at least %d", ErrWeakPassword, n, MinPasswordLen)
	}
	if len(p) > maxPasswordLen {
		return fmt.Errorf("%w: longer than %d bytes", ErrWeakPassword, maxPasswordLen)
	}
	return nil
}

// hashPassword returns the PHC string of password under a fresh salt.
func hashPassword(p Params, password string) string {
	salt := make([]byte, saltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// verifyPassword checks password against a PHC string, with the
// parameters stored in it, comparing in constant time.
func verifyPassword(phc, password string) bool {
	p, salt, key, ok := parsePHC(phc)
	if !ok {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// Bounds on the parameters read back from a stored hash, so a tampered
// account object cannot make a login allocate gigabytes.
const (
	maxMemory = 1 << 20 // KiB: 1 GiB
	maxTime   = 20
)

func parsePHC(phc string) (p Params, salt, key []byte, ok bool) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, false
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil {
		return p, nil, nil, false
	}
	if p.Memory == 0 || p.Memory > maxMemory || p.Time == 0 || p.Time > maxTime || threads == 0 || threads > 255 {
		return p, nil, nil, false
	}
	p.Threads = uint8(threads)
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 {
		return p, nil, nil, false
	}
	return p, salt, key, true
}
