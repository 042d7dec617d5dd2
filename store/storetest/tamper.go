package storetest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"shinsei/store/s3"
)

// Tamperer changes a store behind shinsei's back, as someone with direct
// access to its folder or bucket could: the way tests show that tampering
// is detected. It bypasses store.Store, which never replaces or deletes a
// write-once object.
type Tamperer struct {
	t       testing.TB
	dir     string // local backend: the store's folder
	mc      *minio.Client
	bucket  string
	prefix  string
	context context.Context
}

// Tamper returns a Tamperer for the backend b (a local folder or an S3
// bucket without object lock).
func Tamper(t testing.TB, b Backend) *Tamperer {
	t.Helper()
	if dir, ok := strings.CutPrefix(b.URL, "file://"); ok {
		return &Tamperer{t: t, dir: dir}
	}
	cfg, err := s3.ParseURL(b.URL, b.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	mc, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken), Secure: cfg.Secure, Region: cfg.Region})
	if err != nil {
		t.Fatal(err)
	}
	return &Tamperer{t: t, mc: mc, bucket: cfg.Bucket, prefix: cfg.Prefix, context: context.Background()}
}

// Remove deletes the object at key.
func (x *Tamperer) Remove(key string) {
	x.t.Helper()
	var err error
	if x.mc == nil {
		err = os.Remove(filepath.Join(x.dir, filepath.FromSlash(key)))
	} else {
		err = x.mc.RemoveObject(x.context, x.bucket, x.prefix+key, minio.RemoveObjectOptions{})
	}
	if err != nil {
		x.t.Fatalf("tamper: remove %s: %v", key, err)
	}
}

// Replace overwrites (or creates) the object at key with data.
func (x *Tamperer) Replace(key string, data []byte) {
	x.t.Helper()
	var err error
	if x.mc == nil {
		p := filepath.Join(x.dir, filepath.FromSlash(key))
		// Write-once files may be read-only: replace, not rewrite.
		if err = os.Remove(p); err == nil || os.IsNotExist(err) {
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.WriteFile(p, data, 0o644)
			}
		}
	} else {
		_, err = x.mc.PutObject(x.context, x.bucket, x.prefix+key, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{})
	}
	if err != nil {
		x.t.Fatalf("tamper: replace %s: %v", key, err)
	}
}
