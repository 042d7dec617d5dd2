package storetest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
)

// The environment `make test` sets after starting its MinIO server.
const (
	EnvEndpoint  = "SHINSEI_TEST_S3_ENDPOINT"
	EnvAccessKey = "SHINSEI_TEST_S3_ACCESS_KEY"
	EnvSecretKey = "SHINSEI_TEST_S3_SECRET_KEY"
	EnvRequireS3 = "SHINSEI_TEST_REQUIRE_S3"
)

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
		msg := fmt.Sprintf("no test S3 server: %s, %s and %s are not all set (make test starts MinIO and sets them)", EnvEndpoint, EnvAccessKey, EnvSecretKey)
		if os.Getenv(EnvRequireS3) == "1" {
			t.Fatal(msg + ", and " + EnvRequireS3 + "=1 requires it")
		}
		t.Skip(msg)
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
