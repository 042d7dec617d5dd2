// Package workertest gives tests of shinsei worker a city: a NATS
// JetStream server and a MinIO server that publishes its bucket events to
// it. Shared is the pair `make test` starts (scripts/test.sh); Private
// starts a pair for one test, which may stop and restart either server.
package workertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"shinsei/store/storetest"
)

// The environment `make test` sets after starting nats-server and MinIO.
const (
	EnvNATSURL = "SHINSEI_TEST_NATS_URL"
	// EnvSubject is the subject the shared MinIO publishes events on.
	EnvSubject = "SHINSEI_TEST_NATS_SUBJECT"
	// EnvARN is the shared MinIO's NATS target, for bucket notifications.
	EnvARN = "SHINSEI_TEST_NATS_ARN"
	// EnvBin is the folder holding the nats-server and minio binaries
	// (.cache/bin of the repository when unset).
	EnvBin = "SHINSEI_TEST_BIN"
)

// City is where a test's workers run.
type City struct {
	NATSURL string
	// Endpoint, AccessKey and SecretKey reach MinIO.
	Endpoint, AccessKey, SecretKey string
	// Subject is what MinIO publishes on; ARN its NATS target.
	Subject, ARN string

	t         testing.TB
	dir       string
	natsPort  int
	minioPort int
	mu        sync.Mutex
	natsCmd   *exec.Cmd
	minioCmd  *exec.Cmd
}

func missing(t testing.TB, msg string) { t.Helper(); storetest.Missing(t, msg) }

// Shared is the city `make test` started. With none configured the test is
// skipped, or fails under SHINSEI_TEST_REQUIRE_S3=1.
func Shared(t testing.TB) *City {
	t.Helper()
	c := &City{t: t, NATSURL: os.Getenv(EnvNATSURL), Subject: os.Getenv(EnvSubject), ARN: os.Getenv(EnvARN),
		Endpoint: os.Getenv(storetest.EnvEndpoint), AccessKey: os.Getenv(storetest.EnvAccessKey), SecretKey: os.Getenv(storetest.EnvSecretKey)}
	if c.NATSURL == "" || c.Subject == "" || c.ARN == "" || c.Endpoint == "" || c.AccessKey == "" || c.SecretKey == "" {
		missing(t, fmt.Sprintf("no test city: %s, %s, %s and the S3 variables are not all set (make test starts nats-server and MinIO and sets them)", EnvNATSURL, EnvSubject, EnvARN))
	}
	return c
}

// NATS is the shared nats-server's URL, for tests that publish their own
// events on a subject of their own. With none configured the test is
// skipped, or fails under SHINSEI_TEST_REQUIRE_S3=1.
func NATS(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvNATSURL)
	if u == "" {
		missing(t, fmt.Sprintf("no test NATS server: %s is not set (make test starts nats-server and sets it)", EnvNATSURL))
	}
	return u
}

// Private starts a nats-server and a MinIO server for this test only,
// MinIO publishing events to NATS with JetStream on (target id SHINSEI),
// and stops them when the test ends.
func Private(t testing.TB) *City {
	t.Helper()
	bin := os.Getenv(EnvBin)
	if bin == "" {
		bin = filepath.Join(repoRoot(t), ".cache", "bin")
	}
	for _, b := range []string{"nats-server", "minio"} {
		if _, err := os.Stat(filepath.Join(bin, b)); err != nil {
			missing(t, fmt.Sprintf("no %s in %s (scripts/setup.sh --test builds it)", b, bin))
		}
	}
	var k [12]byte
	rand.Read(k[:])
	c := &City{t: t, dir: t.TempDir(), Subject: "shinsei.inbox", ARN: "arn:minio:sqs::SHINSEI:nats",
		AccessKey: "test-" + hex.EncodeToString(k[:4]), SecretKey: hex.EncodeToString(k[4:])}
	c.natsPort, c.minioPort = freePort(t), freePort(t)
	c.NATSURL = fmt.Sprintf("nats://127.0.0.1:%d", c.natsPort)
	c.Endpoint = fmt.Sprintf("127.0.0.1:%d", c.minioPort)
	t.Cleanup(func() {
		c.StopMinIO()
		c.StopNATS()
	})
	c.StartNATS()
	c.StartMinIO()
	return c
}

func repoRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = up
	}
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (c *City) bin(name string) string {
	if b := os.Getenv(EnvBin); b != "" {
		return filepath.Join(b, name)
	}
	return filepath.Join(repoRoot(c.t), ".cache", "bin", name)
}

// StartNATS starts (or restarts, on the same port and storage) the
// private nats-server and waits until it answers.
func (c *City) StartNATS() {
	c.t.Helper()
	log, err := os.OpenFile(filepath.Join(c.dir, "nats.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		c.t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command(c.bin("nats-server"), "-js", "-a", "127.0.0.1", "-p", strconv.Itoa(c.natsPort), "-sd", filepath.Join(c.dir, "nats"))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	c.natsCmd = cmd
	c.mu.Unlock()
	c.waitFor("nats-server", func() bool {
		nc, err := nats.Connect(c.NATSURL, nats.Timeout(time.Second))
		if err != nil {
			return false
		}
		defer nc.Close()
		js, err := jetstream.New(nc)
		if err != nil {
			return false
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err = js.AccountInfo(ctx)
		return err == nil
	})
}

// StopNATS stops the private nats-server (SIGTERM) and waits for it.
func (c *City) StopNATS() { c.stop(&c.natsCmd) }

// StartMinIO starts (or restarts, on the same port and disk) the private
// MinIO, its NATS target on, and waits until it answers.
func (c *City) StartMinIO() {
	c.t.Helper()
	log, err := os.OpenFile(filepath.Join(c.dir, "minio.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		c.t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command(c.bin("minio"), "server", "--quiet", "--address", c.Endpoint, "--console-address", "127.0.0.1:"+strconv.Itoa(freePort(c.t)), filepath.Join(c.dir, "minio"))
	cmd.Env = append(os.Environ(), MinIOEnv(c.AccessKey, c.SecretKey, "SHINSEI", c.NATSURL, c.Subject, filepath.Join(c.dir, "minio-events"))...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	c.minioCmd = cmd
	c.mu.Unlock()
	client, err := minio.New(c.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(c.AccessKey, c.SecretKey, "")})
	if err != nil {
		c.t.Fatal(err)
	}
	c.waitFor("MinIO", func() bool {
		resp, err := http.Get("http://" + c.Endpoint + "/minio/health/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return false
		}
		// Ready can come before the server answers S3 calls ("Server not
		// initialized yet"): wait for one to succeed.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err = client.ListBuckets(ctx)
		return err == nil
	})
}

// StopMinIO stops the private MinIO (SIGTERM) and waits for it.
func (c *City) StopMinIO() { c.stop(&c.minioCmd) }

// MinIOEnv is the environment that starts MinIO with root credentials
// and a NATS notification target id publishing to subject on natsURL
// with JetStream, keeping events in queueDir while NATS is unreachable.
// scripts/test.sh and README say the same.
func MinIOEnv(access, secret, id, natsURL, subject, queueDir string) []string {
	u, _ := url.Parse(natsURL)
	return []string{
		"MINIO_ROOT_USER=" + access, "MINIO_ROOT_PASSWORD=" + secret,
		"MINIO_BROWSER=off", "MINIO_UPDATE=off",
		"MINIO_NOTIFY_NATS_ENABLE_" + id + "=on",
		"MINIO_NOTIFY_NATS_ADDRESS_" + id + "=" + u.Host,
		"MINIO_NOTIFY_NATS_SUBJECT_" + id + "=" + subject,
		"MINIO_NOTIFY_NATS_JETSTREAM_" + id + "=on",
		"MINIO_NOTIFY_NATS_QUEUE_DIR_" + id + "=" + queueDir,
	}
}

func (c *City) stop(p **exec.Cmd) {
	c.mu.Lock()
	cmd := *p
	*p = nil
	c.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

func (c *City) waitFor(what string, ok func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			logs, _ := os.ReadFile(filepath.Join(c.dir, "nats.log"))
			mlogs, _ := os.ReadFile(filepath.Join(c.dir, "minio.log"))
			c.t.Fatalf("%s did not start:\n%s\n%s", what, logs, mlogs)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Bucket returns a fresh bucket's store URL (with a key prefix) and a
// getenv with the credentials, and a client to put files with.
func (c *City) Bucket(t testing.TB) (storeURL string, getenv func(string) string, client *minio.Client, bucket string) {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	bucket = "shinsei-worker-" + hex.EncodeToString(b[:])
	storeURL = fmt.Sprintf("s3://%s/city?endpoint=%s&secure=false", bucket, url.QueryEscape(c.Endpoint))
	env := map[string]string{"AWS_ACCESS_KEY_ID": c.AccessKey, "AWS_SECRET_ACCESS_KEY": c.SecretKey}
	client, err := minio.New(c.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(c.AccessKey, c.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	return storeURL, func(k string) string { return env[k] }, client, bucket
}

// FreeSubject deletes any stream that captures the city's subject (left
// by an earlier test), so a test's worker can create its own, and deletes
// the one the test made when it ends.
func (c *City) FreeSubject(t testing.TB, stream string) {
	t.Helper()
	nc, err := nats.Connect(c.NATSURL)
	if err != nil {
		t.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if name, err := js.StreamNameBySubject(ctx, c.Subject); err == nil {
		if err := js.DeleteStream(ctx, name); err != nil {
			t.Fatal(err)
		}
	} else if !errors.Is(err, jetstream.ErrStreamNotFound) {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer nc.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		js.DeleteStream(ctx, stream)
	})
}
