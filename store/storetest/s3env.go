package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"

	"shinsei/store"
	"shinsei/store/storeurl"
)

// The environment `make test` sets after starting its MinIO server.
const (
	EnvEndpoint  = "SHINSEI_TEST_S3_ENDPOINT"
	EnvAccessKey = "SHINSEI_TEST_S3_ACCESS_KEY"
	EnvSecretKey = "SHINSEI_TEST_S3_SECRET_KEY"
	EnvRequireS3 = "SHINSEI_TEST_REQUIRE_S3"
)

// Missing ends a test that lacks what it needs (a server, a binary, a
// browser): skipped on a developer's machine, failed when
// SHINSEI_TEST_REQUIRE_S3=1 (make test, CI), where every test must run.
func Missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv(EnvRequireS3) == "1" {
		t.Fatal(msg + ", and " + EnvRequireS3 + "=1 requires it")
	}
	t.Skip(msg)
}

// S3 returns a store URL for a fresh bucket on the test MinIO server, with
// extra URL parameters appended, and a getenv that supplies its credentials.
// With no server configured the test is skipped, or fails when
// SHINSEI_TEST_REQUIRE_S3=1 (as under `make test` and CI), so that a missing
// server can never pass for a green run.
func S3(t testing.TB, params string) (rawURL string, getenv func(string) string) {
	t.Helper()
	endpoint := os.Getenv(EnvEndpoint)
	access, secret := os.Getenv(EnvAccessKey), os.Getenv(EnvSecretKey)
	if endpoint == "" || access == "" || secret == "" {
		Missing(t, fmt.Sprintf("no test S3 server: %s, %s and %s are not all set (make test starts MinIO and sets them)", EnvEndpoint, EnvAccessKey, EnvSecretKey))
	}
	var b [6]byte
	rand.Read(b[:])
	rawURL = fmt.Sprintf("s3://shinsei-test-%s/%s?endpoint=%s&secure=false", hex.EncodeToString(b[:]), url.PathEscape(t.Name()), url.QueryEscape(endpoint))
	if params != "" {
		rawURL += "&" + params
	}
	env := map[string]string{"AWS_ACCESS_KEY_ID": access, "AWS_SECRET_ACCESS_KEY": secret}
	return rawURL, func(k string) string { return env[k] }
}

// A Backend is a store opened for one test, with the URL and environment
// another process needs to open the same store.
type Backend struct {
	Store  store.Store
	URL    string
	Getenv func(string) string
}

// Each runs fn against a fresh local folder and a fresh bucket on the test
// MinIO server (see S3), so that code over a store is held to the same
// behaviour on both. Each store is closed when its subtest ends.
func Each(t *testing.T, fn func(t *testing.T, b Backend)) {
	t.Run("local", func(t *testing.T) {
		fn(t, Open(t, "file://"+t.TempDir(), func(string) string { return "" }))
	})
	t.Run("s3", func(t *testing.T) {
		url, getenv := S3(t, "")
		fn(t, Open(t, url, getenv))
	})
}

// Open opens the store at url (storeurl) for one test and closes it after.
func Open(t testing.TB, url string, getenv func(string) string) Backend {
	t.Helper()
	s, err := storeurl.Open(context.Background(), url, getenv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return Backend{Store: s, URL: url, Getenv: getenv}
}
