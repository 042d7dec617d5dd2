package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"shinsei/pipeline/audit"
	"shinsei/pipeline/users"
)

func usersCommand() *command {
	var role, passwordFile string
	return &command{
		name: "users", args: "add NAME --role clerk|reviewer|auditor|admin [--password-file F] | list",
		summary: "add and list the accounts of the review and audit web UI",
		details: `Subcommands:
  users add NAME --role ROLE [--password-file F]
        create an account. The password is read from F, or else from the
        terminal (asked twice, not echoed) or the first line of standard
        input; never from a flag, which other users of the machine can see.
  users list
        print every account's name, role and creation time.

Roles: clerk (case desk), reviewer (pages that need a person), auditor
(archive search and the audit log), admin (accounts). Names are lower-case
letters a-z, digits and . _ - ; passwords at least 10 characters, stored as
an argon2id hash under users/ in the store.`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&role, "role", "", "add: the account's `role`: clerk, reviewer, auditor or admin")
			fs.StringVar(&passwordFile, "password-file", "", "add: read the password from the first line of this `file`")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) == 0 {
				return usageErrorf("users: want add NAME --role ROLE, or list (see 'shinsei help users')")
			}
			switch args[0] {
			case "add":
				if len(args) != 2 {
					return usageErrorf("users add: want one NAME")
				}
				if role == "" {
					return usageErrorf("users add: --role is required: clerk, reviewer, auditor or admin")
				}
				return usersAdd(ctx, e, args[1], users.Role(role), passwordFile)
			case "list":
				if len(args) != 1 || role != "" || passwordFile != "" {
					return usageErrorf("users list takes no arguments or flags")
				}
				return usersList(ctx, e)
			}
			return usageErrorf("users: unknown subcommand %q: want add or list", args[0])
		},
	}
}

func usersAdd(ctx context.Context, e *env, name string, role users.Role, passwordFile string) error {
	// Check what can be checked before asking for a password.
	if err := users.CheckName(name); err != nil {
		return &codeError{exitUsage, fmt.Errorf("users add: %w", err)}
	}
	if !role.Valid() {
		return usageErrorf("users add: --role %q: want clerk, reviewer, auditor or admin", role)
	}
	password, err := readPassword(e, passwordFile)
	if err != nil {
		return err
	}
	s, err := openStore(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	a, err := users.New(s, users.Options{Log: e.log}).Add(ctx, name, role, password)
	if errors.Is(err, users.ErrWeakPassword) || errors.Is(err, users.ErrExist) {
		return &codeError{exitUsage, fmt.Errorf("users add: %w", err)}
	}
	if err != nil {
		return fmt.Errorf("users add: %w", err)
	}
	who := envUser(e)
	if who == "" {
		who = "shinsei"
	}
	if _, err := audit.New(s, audit.Options{Log: e.log}).Record(ctx, audit.Change{Who: who, Action: audit.ActionUserAdd, Account: a.Name, Role: string(a.Role)}); err != nil {
		return fmt.Errorf("users add: %s was added, but not recorded in the audit log: %w", a.Name, err)
	}
	fmt.Fprintf(e.stdout, "added %s (%s)\n", a.Name, a.Role)
	return nil
}

// readPassword reads a new password from a file, the terminal (twice,
// without echo) or the first line of standard input.
func readPassword(e *env, file string) (string, error) {
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return "", fmt.Errorf("users add: --password-file: %w", err)
		}
		defer f.Close()
		return firstLine(f, "--password-file "+file)
	}
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("users add: reading the password: %w", err)
		}
		fmt.Fprint(e.stderr, "again: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("users add: reading the password: %w", err)
		}
		if string(p1) != string(p2) {
			return "", usageErrorf("users add: the two passwords differ")
		}
		return string(p1), nil
	}
	return firstLine(e.stdin, "standard input")
}

// firstLine is the first line of r without its line ending; a password
// file written by an editor ends with a newline that is not part of it.
func firstLine(r io.Reader, what string) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("users add: reading the password from %s: %w", what, err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usageErrorf("users add: no password on %s (give it on standard input, the terminal, or --password-file)", what)
	}
	return line, nil
}

func usersList(ctx context.Context, e *env) error {
	s, err := openStore(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	list, err := users.New(s, users.Options{Log: e.log}).List(ctx)
	if err != nil {
		return fmt.Errorf("users list: %w", err)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tCREATED")
	for _, a := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Name, a.Role, a.Created.Format("2006-01-02 15:04:05Z07:00"))
	}
	return tw.Flush()
}
