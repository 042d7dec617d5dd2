package web

import (
	"context"
	"errors"

	"shinsei/pipeline/users"
)

// Accounts authenticates against the accounts kept in the store.
func Accounts(r *users.Repo) Authenticator { return accounts{r} }

type accounts struct{ r *users.Repo }

func (a accounts) Authenticate(ctx context.Context, name, password string) (User, error) {
	acc, err := a.r.Authenticate(ctx, name, password)
	if errors.Is(err, users.ErrBadLogin) {
		return User{}, ErrBadLogin
	}
	if err != nil {
		return User{}, err
	}
	return User{Name: acc.Name, Role: Role(acc.Role)}, nil
}
