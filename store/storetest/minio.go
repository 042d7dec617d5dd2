package storetest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// EnvMinIOBin names the MinIO server binary for tests that run a server of
// their own (MinIO); `make test` sets it. Without it the binary is looked
// for where scripts/setup.sh puts it, .cache/bin/minio at the module root.
const EnvMinIOBin = "SHINSEI_TEST_MINIO_BIN"

// MinIO is a MinIO server of one test's own, which the test may stop and
// start again (to see what shinsei does while its store is down), on the
// same address and data each time.
type MinIO struct {
	t              testing.TB
	bin, dir, addr string
	access, secret string
	cmd            *exec.Cmd
	exited         chan struct{} // closed when cmd has exited
	log            *os.File
}

// StartMinIO starts a MinIO server for t on a free loopback port; it is
// stopped when t ends. Without a MinIO binary the test is skipped, or
// fails when SHINSEI_TEST_REQUIRE_S3=1 (as S3 does).
func StartMinIO(t testing.TB) *MinIO {
	t.Helper()
	bin := os.Getenv(EnvMinIOBin)
	if bin == "" {
		bin = findMinIO()
	}
	if _, err := os.Stat(bin); bin == "" || err != nil {
		Missing(t, fmt.Sprintf("no MinIO binary: set %s or run scripts/setup.sh --test", EnvMinIOBin))
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var b [12]byte
	rand.Read(b[:])
	m := &MinIO{t: t, bin: bin, dir: t.TempDir(), addr: addr, access: "test-" + hex.EncodeToString(b[:4]), secret: hex.EncodeToString(b[4:]) + "secret"}
	t.Cleanup(m.Stop)
	m.Start()
	return m
}

// findMinIO is .cache/bin/minio in the first folder up from here that
// holds go.mod.
func findMinIO() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, ".cache", "bin", "minio")
		}
		up := filepath.Dir(dir)
		if up == dir {
			return ""
		}
		dir = up
	}
}

// Start starts the server (again) and waits until it answers.
func (m *MinIO) Start() {
	m.t.Helper()
	if m.cmd != nil {
		return
	}
	log, err := os.OpenFile(filepath.Join(m.dir, "minio.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		m.t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(m.addr)
	cmd := exec.Command(m.bin, "server", "--quiet", "--address", m.addr, "--console-address", net.JoinHostPort(host, "0"), filepath.Join(m.dir, "disk"))
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+m.access, "MINIO_ROOT_PASSWORD="+m.secret, "MINIO_BROWSER=off", "MINIO_UPDATE=off")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		m.t.Fatalf("starting MinIO: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	m.cmd, m.exited, m.log = cmd, exited, log
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + m.addr + "/minio/health/cluster")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-exited:
			data, _ := os.ReadFile(log.Name())
			m.cmd = nil
			log.Close()
			m.t.Fatalf("MinIO on port %s exited at start:\n%s", port, data)
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			m.Stop()
			data, _ := os.ReadFile(log.Name())
			m.t.Fatalf("MinIO did not answer on %s within a minute:\n%s", m.addr, data)
		}
	}
}

// Stop stops the server (SIGKILL: as a crash or a pulled cable, not a
// polite shutdown) and waits until it is gone.
func (m *MinIO) Stop() {
	if m.cmd == nil {
		return
	}
	m.cmd.Process.Kill()
	<-m.exited
	m.log.Close()
	m.cmd, m.exited, m.log = nil, nil, nil
}

// URL is a store URL for a fresh bucket on this server, with extra URL
// parameters appended, and a getenv that supplies its credentials.
func (m *MinIO) URL(params string) (rawURL string, getenv func(string) string) {
	var b [6]byte
	rand.Read(b[:])
	rawURL = fmt.Sprintf("s3://shinsei-test-%s/t?endpoint=%s&secure=false", hex.EncodeToString(b[:]), url.QueryEscape(m.addr))
	if params != "" {
		rawURL += "&" + params
	}
	env := map[string]string{"AWS_ACCESS_KEY_ID": m.access, "AWS_SECRET_ACCESS_KEY": m.secret}
	return rawURL, func(k string) string { return env[k] }
}
