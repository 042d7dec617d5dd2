package s3_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"shinsei/store/s3"
	"shinsei/store/storetest"
)

func open(t *testing.T, params string) *s3.Store {
	t.Helper()
	raw, getenv := storetest.S3(t, params)
	cfg, err := s3.ParseURL(raw, getenv)
	if err != nil {
		t.Fatal(err)
	}
	s, err := s3.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	s := open(t, "")
	t.Logf("conformance suite against %s", s)
	storetest.Run(t, s, storetest.Options{})
}

// With object lock on the bucket and retain_days set, every write-once object
// is under retention for that long and cannot be deleted before; Swap, for
// mutable objects, applies none.
func TestRetention(t *testing.T) {
	ctx := context.Background()
	raw, getenv := storetest.S3(t, "retain_days=3&retain_mode=governance")
	cfg, err := s3.ParseURL(raw, getenv)
	if err != nil {
		t.Fatal(err)
	}
	// Without lock on the bucket, asking for retention is an error at open.
	if _, err := s3.Open(ctx, cfg); err == nil || !strings.Contains(err.Error(), "object lock") {
		t.Fatalf("Open with retain_days on an unlocked bucket: err = %v, want an object-lock error", err)
	}
	// An administrator creates the bucket with object lock; shinsei only
	// uses it.
	cfg.Bucket += "-locked"
	mc, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), Secure: cfg.Secure})
	if err != nil {
		t.Fatal(err)
	}
	if err := mc.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{ObjectLocking: true}); err != nil {
		t.Fatal(err)
	}
	s, err := s3.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Locked() {
		t.Fatal("bucket created with object lock is not seen as locked")
	}
	info, err := s.Put(ctx, "archive/doc.pdf", strings.NewReader("%PDF-1.7"), 8)
	if err != nil {
		t.Fatal(err)
	}
	mode, until, err := mc.GetObjectRetention(ctx, cfg.Bucket, cfg.Prefix+info.Key, "")
	if err != nil {
		t.Fatal(err)
	}
	if mode == nil || *mode != minio.Governance || until == nil {
		t.Fatalf("retention = %v until %v, want GOVERNANCE with a date", mode, until)
	}
	if d := time.Until(*until); d < 71*time.Hour || d > 73*time.Hour {
		t.Errorf("retained until %v, %v from now; want about 3 days", until, d)
	}
	// The object cannot be removed while retained.
	st, err := mc.StatObject(ctx, cfg.Bucket, cfg.Prefix+info.Key, minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := mc.RemoveObject(ctx, cfg.Bucket, cfg.Prefix+info.Key, minio.RemoveObjectOptions{VersionID: st.VersionID}); err == nil {
		t.Error("a retained object version was deleted")
	}

	// Mutable objects carry no retention.
	v, err := s.Swap(ctx, "cases/A.json", "", []byte("{}"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Swap(ctx, "cases/A.json", v.Version, []byte(`{"a":1}`)); err != nil {
		t.Fatalf("Swap on a locked bucket: %v", err)
	}
	if mode, _, err := mc.GetObjectRetention(ctx, cfg.Bucket, cfg.Prefix+"cases/A.json", ""); err == nil && mode != nil && *mode != "" {
		t.Errorf("mutable object got retention %v", *mode)
	}
}

func TestParseURL(t *testing.T) {
	env := map[string]string{"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK"}
	getenv := func(k string) string { return env[k] }
	for _, c := range []struct {
		url     string
		want    s3.Config
		wantErr string
	}{
		{url: "s3://archive", want: s3.Config{Endpoint: "s3.amazonaws.com", Secure: true, Bucket: "archive"}},
		{url: "s3://archive/city-a/scans/?endpoint=127.0.0.1:9000&secure=false", want: s3.Config{Endpoint: "127.0.0.1:9000", Bucket: "archive", Prefix: "city-a/scans/"}},
		{url: "s3://archive?endpoint=http://minio.lan:9000", want: s3.Config{Endpoint: "minio.lan:9000", Bucket: "archive"}},
		{url: "s3://archive?endpoint=minio:9000&region=ap-northeast-1&retain_days=3650&retain_mode=compliance",
			want: s3.Config{Endpoint: "minio:9000", Secure: true, Region: "ap-northeast-1", Bucket: "archive", RetainDays: 3650, RetainMode: minio.Compliance}},
		{url: "s3://user:hunter2@archive", wantErr: "carries credentials"},
		{url: "s3://Bad_Bucket", wantErr: "bucket"},
		{url: "s3://archive?endpont=x", wantErr: `unknown parameter "endpont"`},
		{url: "s3://archive?secure=maybe", wantErr: "secure"},
		{url: "s3://archive?retain_days=-1", wantErr: "retain_days"},
		{url: "s3://archive?retain_mode=forever", wantErr: "retain_mode"},
		{url: "s3://archive/../x", wantErr: "prefix"},
		{url: "file:///x", wantErr: "scheme"},
	} {
		got, err := s3.ParseURL(c.url, getenv)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("ParseURL(%q): err = %v, want one mentioning %q", c.url, err, c.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("ParseURL(%q): error echoes the password: %v", c.url, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseURL(%q): %v", c.url, err)
			continue
		}
		c.want.AccessKey, c.want.SecretKey = "AK", "SK"
		if c.want.RetainMode == "" {
			c.want.RetainMode = minio.Governance
		}
		if got != c.want {
			t.Errorf("ParseURL(%q) =\n %+v, want\n %+v", c.url, got, c.want)
		}
	}
	// Without credentials the error says which variables to set.
	_, err := s3.ParseURL("s3://archive", func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
		t.Errorf("no credentials: err = %v", err)
	}
	// MinIO's own variables work too.
	minioEnv := map[string]string{"MINIO_ROOT_USER": "MU", "MINIO_ROOT_PASSWORD": "MP"}
	got, err := s3.ParseURL("s3://archive", func(k string) string { return minioEnv[k] })
	if err != nil || got.AccessKey != "MU" || got.SecretKey != "MP" {
		t.Errorf("MINIO_ROOT_USER credentials: %+v, %v", got, err)
	}
}

// A store whose server is down fails with an error naming the store, and
// within the context's deadline, instead of hanging a scanning station.
func TestUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, err := s3.Open(ctx, s3.Config{Endpoint: "127.0.0.1:1", Bucket: "archive", AccessKey: "a", SecretKey: "b"})
	if err == nil || !strings.Contains(err.Error(), "cannot reach") {
		t.Fatalf("Open of an unreachable server: err = %v", err)
	}
}
