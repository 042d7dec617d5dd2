package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"shinsei/store/s3"
	"shinsei/store/storetest"
)

// --retain-days puts every archived page under S3 object lock for that
// many days; on a local folder, which cannot enforce it, it is refused.
func TestRetainDays(t *testing.T) {
	page := filepath.Join("..", "..", "testdata", "corpus", "clean", "0001-answer.png")
	_, errOut, code := shinsei(t, nil, "--retain-days", "30", "scan", page)
	if code != 2 || !strings.Contains(errOut, "object lock") {
		t.Errorf("on a folder: exit %d, %q", code, errOut)
	}

	raw, s3env := storetest.S3(t, "")
	cfg, err := s3.ParseURL(raw, s3env)
	if err != nil {
		t.Fatal(err)
	}
	// The city's administrator makes the bucket with object lock.
	mc, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), Secure: cfg.Secure})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := mc.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{ObjectLocking: true}); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if k == "SHINSEI_STORE" {
			return raw
		}
		return s3env(k)
	}
	if _, errOut, code := shinsei(t, getenv, "--retain-days", "30", "scan", page); code == 1 || code == 2 {
		t.Fatalf("scan with --retain-days: exit %d, %s", code, errOut)
	}
	pdfs := 0
	for obj := range mc.ListObjects(ctx, cfg.Bucket, minio.ListObjectsOptions{Prefix: cfg.Prefix + "archive/docs/", Recursive: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		if !strings.HasSuffix(obj.Key, "page.pdf") {
			continue
		}
		pdfs++
		mode, until, err := mc.GetObjectRetention(ctx, cfg.Bucket, obj.Key, "")
		if err != nil || mode == nil || until == nil {
			t.Fatalf("%s: retention %v %v, %v", obj.Key, mode, until, err)
		}
		if d := time.Until(*until); d < 29*24*time.Hour || d > 31*24*time.Hour {
			t.Errorf("%s retained for %v, want 30 days", obj.Key, d)
		}
	}
	if pdfs != 1 {
		t.Errorf("%d archived page PDFs, want 1", pdfs)
	}
}
