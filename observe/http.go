package observe

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"shinsei/store"
)

// Check is one thing /readyz asks before it says the process is ready:
// Do returns nil when all is well, or why not (the reason is shown in
// /readyz's body, so it must hold no personal data).
type Check struct {
	Name string
	Do   func(ctx context.Context) error
}

// CheckTimeout bounds each readiness check: a store or queue that does not
// answer in time is not ready, and the prober must not hang on it.
const CheckTimeout = 3 * time.Second

// readyKey is the object the store check asks for; it need not exist.
const readyKey = "system/ready"

// StoreCheck says whether s answers: a Stat of one object, the cheapest
// question a store can be asked, where "does not exist" is an answer.
func StoreCheck(s store.Store) Check {
	return Check{Name: "store", Do: func(ctx context.Context) error {
		_, err := s.Stat(ctx, readyKey)
		if err == nil || errors.Is(err, store.ErrNotExist) {
			return nil
		}
		return err
	}}
}

// Handler serves /metrics (m's registry, in Prometheus's text format),
// /healthz (200 while the process runs) and /readyz (200 when every check
// passes, 503 with the failed checks and their reasons otherwise).
func Handler(m *Metrics, checks []Check) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		body, ok := ready(r.Context(), checks)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		fmt.Fprint(w, body)
	})
	return mux
}

// ready runs every check, each bounded by CheckTimeout, and says how each
// went: one line each, "NAME: ok" or "NAME: not ready: REASON".
func ready(ctx context.Context, checks []Check) (string, bool) {
	var b strings.Builder
	ok := true
	for _, c := range checks {
		cctx, cancel := context.WithTimeout(ctx, CheckTimeout)
		err := c.Do(cctx)
		if err != nil && errors.Is(cctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("no answer within %v (%w)", CheckTimeout, err)
		}
		cancel()
		if err != nil {
			ok = false
			fmt.Fprintf(&b, "%s: not ready: %v\n", c.Name, err)
			continue
		}
		fmt.Fprintf(&b, "%s: ok\n", c.Name)
	}
	if ok {
		return "ready\n" + b.String(), true
	}
	return b.String(), false
}

// Server serves Handler on a TCP address.
type Server struct {
	srv  *http.Server
	ln   net.Listener
	done chan error
}

// Listen starts serving h on addr (HOST:PORT; port 0 picks a free one,
// Addr says which). Errors after the start go to log.
func Listen(addr string, h http.Handler, log *slog.Logger) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--listen %s: %w", addr, err)
	}
	s := &Server{
		srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)},
		ln:   ln,
		done: make(chan error, 1),
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server, letting requests under way finish until ctx
// ends.
func (s *Server) Close(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if serr := <-s.done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
