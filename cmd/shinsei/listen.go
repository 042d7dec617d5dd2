package main

import (
	"context"
	"flag"
	"time"

	"shinsei/observe"
)

// listenFlag adds --listen to a long-running command (watch, worker).
func listenFlag(fs *flag.FlagSet, addr *string) {
	fs.StringVar(addr, "listen", "", "serve /metrics (Prometheus), /healthz and /readyz on `HOST:PORT` (default: off)")
}

// serveObserve serves m and the readiness checks on addr until the
// returned stop is called; with addr empty it serves nothing.
func serveObserve(e *env, addr string, m *observe.Metrics, checks []observe.Check) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	srv, err := observe.Listen(addr, observe.Handler(m, checks), e.log)
	if err != nil {
		return nil, err
	}
	e.log.Info("serving /metrics, /healthz and /readyz", "addr", srv.Addr())
	return func() {
		// A scrape under way may finish; a stuck one does not hold the exit.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Close(ctx); err != nil {
			e.log.Warn("stopping the metrics server", "err", err)
		}
	}, nil
}
