package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"shinsei/pipeline/archive"
	"shinsei/pipeline/audit"
	"shinsei/pipeline/cases"
	"shinsei/pipeline/match"
	"shinsei/pipeline/review"
	"shinsei/pipeline/users"
	"shinsei/web"
)

// defaultListen is where serve listens without --listen or SHINSEI_LISTEN:
// this machine only.
const defaultListen = "127.0.0.1:8080"

func serveCommand() *command {
	var listen, tlsCert, tlsKey string
	return &command{
		name: "serve", args: "[--listen HOST:PORT] [--tls-cert F --tls-key F]",
		summary: "run the review and audit web UI and HTTP API",
		details: `"serve" runs the browser UI and the JSON API (docs/api.md) over the store:
reviewers work the queue of pages that need a person, clerks the proxy cases
(open one by hand, print its answer sheet, complete or cancel it with a
reason), auditors search and view
the archive (each read asks for a reason and is recorded first), by name too
when SHINSEI_INDEX_KEY (or _FILE) is the key pages were archived with.
Accounts come from 'shinsei users add'. Without --tls-cert and --tls-key it serves plain HTTP
on a loopback address only (behind a TLS proxy, or for one person at the
machine); session cookies are Secure, so browsers keep them only over HTTPS or
from localhost. Stops on SIGINT or SIGTERM, letting requests finish.`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&listen, "listen", "", "`address` to listen on (env SHINSEI_LISTEN; default "+defaultListen+")")
			fs.StringVar(&tlsCert, "tls-cert", "", "serve HTTPS with the certificate (chain) in this PEM `file`")
			fs.StringVar(&tlsKey, "tls-key", "", "the private key of --tls-cert, a PEM `file`")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) != 0 {
				return usageErrorf("serve takes no arguments")
			}
			if (tlsCert == "") != (tlsKey == "") {
				return usageErrorf("serve: --tls-cert and --tls-key go together")
			}
			if listen == "" {
				listen = e.getenv("SHINSEI_LISTEN")
			}
			if listen == "" {
				listen = defaultListen
			}
			key, err := indexKey(e)
			if err != nil {
				return err
			}
			s, err := openStore(ctx, e)
			if err != nil {
				return err
			}
			defer s.Close()
			a := archive.New(s, archive.Options{Log: e.log, IndexKey: key})
			// An answer sheet saved in review is matched as the scanning
			// station would have; the reviewer is in the review itself.
			repo := cases.New(s, cases.Options{Log: e.log})
			m := match.New(repo, defaultStation(e.getenv), nil)
			srv, err := web.New(web.Config{
				Auth:    web.Accounts(users.New(s, users.Options{Log: e.log})),
				Audit:   web.AuditLog(audit.New(s, audit.Options{Log: e.log})),
				Archive: a,
				Reviews: review.New(s, a, review.Options{Matcher: m, Log: e.log}),
				Cases:   repo,
				Log:     e.log,
			})
			if err != nil {
				return err
			}
			l, err := web.Listen(listen, tlsCert != "")
			if errors.Is(err, web.ErrPlainHTTP) {
				return usageErrorf("serve: %v", err)
			}
			if err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			scheme := "http"
			if tlsCert != "" {
				scheme = "https"
			}
			fmt.Fprintf(e.stdout, "shinsei serve: %s://%s/\n", scheme, l.Addr())
			return web.Serve(ctx, l, srv, tlsCert, tlsKey)
		},
	}
}
