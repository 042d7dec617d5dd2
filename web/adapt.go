package web

import (
	"context"
	"errors"

	"shinsei/pipeline/audit"
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

// AuditLog records web's events as changes in the audit chain.
func AuditLog(l *audit.Log) Auditor { return auditLog{l} }

type auditLog struct{ l *audit.Log }

func (a auditLog) Record(ctx context.Context, e Event) error {
	who := e.Who
	if e.Action == EventLoginFailed && users.CheckName(who) != nil {
		// People type passwords into the name field: what is not an
		// account name is not written down.
		who = "-"
	}
	_, err := a.l.Record(ctx, audit.Change{Who: who, Action: e.Action, Why: e.Why, Remote: e.Remote, CaseID: e.CaseID})
	return err
}
