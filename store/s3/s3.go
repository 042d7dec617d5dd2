// Package s3 is the S3 backend of store, through minio-go: what a city runs
// when several `shinsei watch` workers on several machines share one MinIO
// cluster.
//
// Put-if-absent is a PUT with If-None-Match: * and Swap a PUT with If-Match
// on the ETag that Load returned, so the server, not shinsei, decides which
// of two workers wins. MinIO evaluates If-None-Match atomically for a single
// PUT but not when it completes a multipart upload (two racing uploads both
// succeed: the conformance suite caught it), so objects larger than one part
// are written under a claim: a small single-PUT object under .shinsei/claims/
// that only one writer can create; the others wait for the object to appear
// or the claim to go. minio-go retries transient failures with backoff
// (up to MaxRetries). A retried conditional PUT whose first attempt did land
// comes back as "exists" or "conflict"; callers treat those as "look again",
// which is what they must do for a real loser anyway.
package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"mime"
	"net"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/notification"
	"github.com/minio/minio-go/v7/pkg/s3utils"

	"shinsei/store"
)

// partSize is the multipart part size. minio-go sizes parts for a 5 TiB
// object when the length is unknown, which means buffers of half a gigabyte;
// scans are megabytes, so 16 MiB parts keep memory flat.
const partSize = 16 << 20

// claimTTL is how long a claim on a large upload holds before another writer
// may take it over: far longer than uploading a scan takes, short enough
// that a crashed writer does not block a key for long.
const claimTTL = 30 * time.Minute

// claimDir holds upload claims, beside the objects under the store's prefix;
// keys cannot start with a dot, so no key collides with it.
const claimDir = ".shinsei/claims/"

// MaxRetries is how often minio-go tries one request before giving up.
const MaxRetries = 10

// Config says where the bucket is and how to reach it. ParseURL fills it from
// a store URL and the environment.
type Config struct {
	Endpoint     string // host[:port]
	Secure       bool   // https
	Region       string
	Bucket       string
	Prefix       string // "" or a key prefix ending in "/"
	AccessKey    string
	SecretKey    string
	SessionToken string
	// RetainDays, when > 0, puts every write-once object under object-lock
	// retention for that many days. The bucket must have object lock on.
	RetainDays int
	RetainMode minio.RetentionMode // GOVERNANCE (default) or COMPLIANCE
}

var urlParams = []string{"endpoint", "secure", "region", "retain_days", "retain_mode"}

// ParseURL reads s3://bucket[/prefix][?endpoint=host:port&secure=false
// &region=R&retain_days=N&retain_mode=governance|compliance]. Credentials
// come from getenv: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and
// AWS_SESSION_TOKEN), else MINIO_ROOT_USER and MINIO_ROOT_PASSWORD. They are
// never taken from the URL, which ends up in logs and shell history.
func ParseURL(raw string, getenv func(string) string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error would echo the URL, and with it any password in it.
		return Config{}, errors.New("store URL is not a valid URL")
	}
	if u.Scheme != "s3" {
		return Config{}, fmt.Errorf("store URL %q: scheme must be s3", redact(u))
	}
	if u.User != nil {
		return Config{}, fmt.Errorf("store URL %q carries credentials: remove them and set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead", redact(u))
	}
	c := Config{Bucket: u.Host, Endpoint: "s3.amazonaws.com", Secure: true, RetainMode: minio.Governance}
	if err := s3utils.CheckValidBucketNameStrict(c.Bucket); err != nil {
		return Config{}, fmt.Errorf("store URL %q: bucket %q: %w", raw, c.Bucket, err)
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		if err := store.CheckKey(p); err != nil {
			return Config{}, fmt.Errorf("store URL %q: prefix: %w", raw, err)
		}
		c.Prefix = p + "/"
	}
	q := u.Query()
	for k := range q {
		if !slices.Contains(urlParams, k) {
			return Config{}, fmt.Errorf("store URL %q: unknown parameter %q (known: %s)", raw, k, strings.Join(urlParams, ", "))
		}
	}
	if ep := q.Get("endpoint"); ep != "" {
		// Accept "http://host:port" too; the scheme then decides secure.
		if e, err := url.Parse(ep); err == nil && (e.Scheme == "http" || e.Scheme == "https") {
			c.Secure = e.Scheme == "https"
			ep = e.Host
		}
		if _, _, err := net.SplitHostPort(ep); err != nil && strings.Contains(ep, ":") {
			return Config{}, fmt.Errorf("store URL %q: endpoint %q is not host:port", raw, ep)
		}
		c.Endpoint = ep
	}
	if s := q.Get("secure"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return Config{}, fmt.Errorf("store URL %q: secure=%q is not true or false", raw, s)
		}
		c.Secure = b
	}
	c.Region = q.Get("region")
	if s := q.Get("retain_days"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 365*100 {
			return Config{}, fmt.Errorf("store URL %q: retain_days=%q is not a number of days from 1 to 36500", raw, s)
		}
		c.RetainDays = n
	}
	if s := q.Get("retain_mode"); s != "" {
		m := minio.RetentionMode(strings.ToUpper(s))
		if !m.IsValid() {
			return Config{}, fmt.Errorf("store URL %q: retain_mode=%q is not governance or compliance", raw, s)
		}
		c.RetainMode = m
	}

	switch {
	case getenv("AWS_ACCESS_KEY_ID") != "":
		c.AccessKey, c.SecretKey = getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
		c.SessionToken = getenv("AWS_SESSION_TOKEN")
	case getenv("MINIO_ROOT_USER") != "":
		c.AccessKey, c.SecretKey = getenv("MINIO_ROOT_USER"), getenv("MINIO_ROOT_PASSWORD")
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		return Config{}, errors.New("S3 store: no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or MINIO_ROOT_USER and MINIO_ROOT_PASSWORD)")
	}
	return c, nil
}

// redact drops userinfo so a password typed into a URL is not echoed.
func redact(u *url.URL) string {
	v := *u
	v.User = nil
	return v.String()
}

// Store is a store.Store on one bucket (and prefix) of an S3 server.
type Store struct {
	c      *minio.Client
	cfg    Config
	locked bool // the bucket has object lock enabled
}

var _ store.Store = (*Store)(nil)

// Open connects, creates the bucket if it is missing, and finds out whether
// the bucket has object lock on (needed if RetainDays is set).
func Open(ctx context.Context, cfg Config) (*Store, error) {
	lookup := minio.BucketLookupAuto
	if cfg.Endpoint != "s3.amazonaws.com" {
		// MinIO and most self-hosted servers have no per-bucket DNS names.
		lookup = minio.BucketLookupPath
	}
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken),
		Secure:       cfg.Secure,
		Region:       cfg.Region,
		BucketLookup: lookup,
		MaxRetries:   MaxRetries,
	})
	if err != nil {
		return nil, fmt.Errorf("S3 store %s: %w", cfg.Endpoint, err)
	}
	s := &Store{c: c, cfg: cfg}
	ok, err := c.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot reach the bucket: %w", s, err)
	}
	if !ok {
		err := c.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region})
		if code := minio.ToErrorResponse(err).Code; err != nil && code != "BucketAlreadyOwnedByYou" && code != "BucketAlreadyExists" {
			return nil, fmt.Errorf("%s: creating the bucket: %w", s, err)
		}
	}
	enabled, _, _, _, err := c.GetObjectLockConfig(ctx, cfg.Bucket)
	s.locked = err == nil && enabled == "Enabled"
	if cfg.RetainDays > 0 && !s.locked {
		return nil, fmt.Errorf("%s: retain_days is set but the bucket has no object lock: create the bucket with object lock enabled, or drop retain_days", s)
	}
	return s, nil
}

func (s *Store) String() string {
	scheme := "https"
	if !s.cfg.Secure {
		scheme = "http"
	}
	return fmt.Sprintf("s3://%s/%s (%s://%s)", s.cfg.Bucket, s.cfg.Prefix, scheme, s.cfg.Endpoint)
}

func (s *Store) Close() error { return nil }

// Locked reports whether the bucket enforces object lock.
func (s *Store) Locked() bool { return s.locked }

// Client exposes the minio client for tests that inspect what was written.
func (s *Store) Client() (*minio.Client, string) { return s.c, s.cfg.Bucket }

func (s *Store) object(key string) (string, error) {
	if err := store.CheckKey(key); err != nil {
		return "", err
	}
	name := s.cfg.Prefix + key
	if len(name) > store.MaxKeyLen {
		return "", fmt.Errorf("%w %q: longer than %d bytes with the store prefix", store.ErrInvalidKey, key, store.MaxKeyLen)
	}
	return name, nil
}

func (s *Store) putOptions(key string) minio.PutObjectOptions {
	ct := mime.TypeByExtension(path.Ext(key))
	if ct == "" {
		ct = "application/octet-stream"
	}
	return minio.PutObjectOptions{ContentType: ct, PartSize: partSize}
}

func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64) (store.Info, error) {
	name, err := s.object(key)
	if err != nil {
		return store.Info{}, err
	}
	if size < 0 {
		// Read up to one part: most objects fit, and a known size means a
		// single PUT, whose If-None-Match the server checks atomically.
		buf, err := io.ReadAll(io.LimitReader(r, partSize+1))
		if err != nil {
			return store.Info{}, fmt.Errorf("put %s: %w", key, err)
		}
		if len(buf) <= partSize {
			r, size = bytes.NewReader(buf), int64(len(buf))
		} else {
			r = io.MultiReader(bytes.NewReader(buf), r)
		}
	}
	opts := s.putOptions(key)
	opts.SetMatchETagExcept("*")
	if s.locked && s.cfg.RetainDays > 0 {
		opts.Mode = s.cfg.RetainMode
		opts.RetainUntilDate = time.Now().AddDate(0, 0, s.cfg.RetainDays)
	}
	if size < 0 || size > partSize {
		release, err := s.claim(ctx, key, name)
		if err != nil {
			return store.Info{}, fmt.Errorf("put %s: %w", key, err)
		}
		defer release()
	}
	up, err := s.c.PutObject(ctx, s.cfg.Bucket, name, r, size, opts)
	if err != nil {
		if isPrecondition(err) {
			return store.Info{}, fmt.Errorf("put %s: %w", key, store.ErrExist)
		}
		return store.Info{}, fmt.Errorf("put %s: %w", key, mapErr(err))
	}
	return store.Info{Key: key, Size: up.Size, ModTime: up.LastModified, Version: up.ETag}, nil
}

// claim makes this writer the only one uploading key: it returns ErrExist
// once the object is there, waits while another writer's claim is live, and
// takes over a claim that has expired. release removes the claim.
func (s *Store) claim(ctx context.Context, key, name string) (release func(), err error) {
	claimName := s.cfg.Prefix + claimDir + key
	release = func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		s.c.RemoveObject(ctx, s.cfg.Bucket, claimName, minio.RemoveObjectOptions{})
	}
	core := minio.Core{Client: s.c}
	delay := 50 * time.Millisecond
	for {
		if _, err := s.c.StatObject(ctx, s.cfg.Bucket, name, minio.StatObjectOptions{}); err == nil {
			return nil, store.ErrExist
		} else if !isNotExist(err) {
			return nil, mapErr(err)
		}
		expiry := []byte(time.Now().Add(claimTTL).UTC().Format(time.RFC3339Nano))
		opts := minio.PutObjectOptions{ContentType: "text/plain"}
		opts.SetMatchETagExcept("*")
		_, err := s.c.PutObject(ctx, s.cfg.Bucket, claimName, bytes.NewReader(expiry), int64(len(expiry)), opts)
		if err == nil {
			return release, nil
		}
		if !isPrecondition(err) {
			return nil, fmt.Errorf("claiming the upload: %w", mapErr(err))
		}
		// Someone holds a claim. Take it over if it has expired.
		body, oi, _, err := core.GetObject(ctx, s.cfg.Bucket, claimName, minio.GetObjectOptions{})
		if err == nil {
			data, rerr := store.ReadAllLimit(body, 64)
			body.Close()
			until, perr := time.Parse(time.RFC3339Nano, string(data))
			if rerr == nil && (perr != nil || time.Now().After(until)) {
				opts := minio.PutObjectOptions{ContentType: "text/plain"}
				opts.SetMatchETag(oi.ETag)
				if _, err := s.c.PutObject(ctx, s.cfg.Bucket, claimName, bytes.NewReader(expiry), int64(len(expiry)), opts); err == nil {
					return release, nil
				}
			}
		} else if !isNotExist(err) {
			return nil, fmt.Errorf("reading the upload claim: %w", mapErr(err))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	name, err := s.object(key)
	if err != nil {
		return nil, err
	}
	// Core's GetObject is one request: a missing key is an error here, and
	// the body cannot change under the reader (the lazy minio.Object
	// re-requests with If-Match and fails mid-read if a Swap came between).
	body, _, _, err := minio.Core{Client: s.c}.GetObject(ctx, s.cfg.Bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, mapErr(err))
	}
	return body, nil
}

func (s *Store) Stat(ctx context.Context, key string) (store.Info, error) {
	name, err := s.object(key)
	if err != nil {
		return store.Info{}, err
	}
	oi, err := s.c.StatObject(ctx, s.cfg.Bucket, name, minio.StatObjectOptions{})
	if err != nil {
		return store.Info{}, fmt.Errorf("stat %s: %w", key, mapErr(err))
	}
	return store.Info{Key: key, Size: oi.Size, ModTime: oi.LastModified, Version: oi.ETag}, nil
}

func (s *Store) List(ctx context.Context, prefix string) iter.Seq2[store.Info, error] {
	return func(yield func(store.Info, error) bool) {
		if err := store.CheckPrefix(prefix); err != nil {
			yield(store.Info{}, err)
			return
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel() // stops minio-go's listing goroutine on an early break
		for oi := range s.c.ListObjects(ctx, s.cfg.Bucket, minio.ListObjectsOptions{Prefix: s.cfg.Prefix + prefix, Recursive: true}) {
			if oi.Err != nil {
				yield(store.Info{}, fmt.Errorf("list %s: %w", prefix, mapErr(oi.Err)))
				return
			}
			k := strings.TrimPrefix(oi.Key, s.cfg.Prefix)
			if strings.HasPrefix(k, ".") {
				continue // claims and anything else that is not a key
			}
			info := store.Info{Key: k, Size: oi.Size, ModTime: oi.LastModified, Version: oi.ETag}
			if !yield(info, nil) {
				return
			}
		}
		if err := ctx.Err(); err != nil {
			yield(store.Info{}, err)
		}
	}
}

func (s *Store) Load(ctx context.Context, key string) ([]byte, store.Info, error) {
	name, err := s.object(key)
	if err != nil {
		return nil, store.Info{}, err
	}
	// One GET: the ETag in its headers is that of the body it carries.
	body, oi, _, err := minio.Core{Client: s.c}.GetObject(ctx, s.cfg.Bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, store.Info{}, fmt.Errorf("load %s: %w", key, mapErr(err))
	}
	defer body.Close()
	if oi.Size > store.MaxMutableSize {
		return nil, store.Info{}, fmt.Errorf("load %s: %w", key, store.ErrTooLarge)
	}
	data, err := store.ReadAllLimit(body, store.MaxMutableSize)
	if err != nil {
		return nil, store.Info{}, fmt.Errorf("load %s: %w", key, mapErr(err))
	}
	return data, store.Info{Key: key, Size: int64(len(data)), ModTime: oi.LastModified, Version: oi.ETag}, nil
}

func (s *Store) Swap(ctx context.Context, key, old string, data []byte) (store.Info, error) {
	name, err := s.object(key)
	if err != nil {
		return store.Info{}, err
	}
	if len(data) > store.MaxMutableSize {
		return store.Info{}, fmt.Errorf("swap %s: %w", key, store.ErrTooLarge)
	}
	opts := s.putOptions(key)
	if old == "" {
		opts.SetMatchETagExcept("*")
	} else {
		opts.SetMatchETag(old)
	}
	up, err := s.c.PutObject(ctx, s.cfg.Bucket, name, bytes.NewReader(data), int64(len(data)), opts)
	switch {
	case err == nil:
		return store.Info{Key: key, Size: up.Size, ModTime: up.LastModified, Version: up.ETag}, nil
	case isPrecondition(err) && old == "":
		return store.Info{}, fmt.Errorf("swap %s: %w", key, store.ErrExist)
	case isPrecondition(err):
		// S3 answers 412 both for "changed" and for "gone"; tell them apart.
		if _, serr := s.c.StatObject(ctx, s.cfg.Bucket, name, minio.StatObjectOptions{}); isNotExist(serr) {
			return store.Info{}, fmt.Errorf("swap %s: %w", key, store.ErrNotExist)
		}
		return store.Info{}, fmt.Errorf("swap %s: %w", key, store.ErrConflict)
	default:
		return store.Info{}, fmt.Errorf("swap %s: %w", key, mapErr(err))
	}
}

func isPrecondition(err error) bool {
	return minio.ToErrorResponse(err).Code == minio.PreconditionFailed
}

func isNotExist(err error) bool {
	if err == nil {
		return false
	}
	code := minio.ToErrorResponse(err).Code
	return code == minio.NoSuchKey || code == "NoSuchVersion"
}

// mapErr keeps minio-go's error (it says what the server answered) and adds
// store.ErrNotExist where that is what it means.
func mapErr(err error) error {
	if isNotExist(err) {
		return fmt.Errorf("%w (%w)", store.ErrNotExist, err)
	}
	return err
}

// Location is the bucket and the key prefix (ending in "/", or "") the
// store lives under: an S3 event names objects by both.
func (s *Store) Location() (bucket, prefix string) { return s.cfg.Bucket, s.cfg.Prefix }

// Notify makes the bucket send every ObjectCreated event for keys under
// keyPrefix (in the store, so after the store's own prefix) to the
// notification target arn (arn:minio:sqs::ID:nats for MinIO's NATS target
// ID, which MinIO must have been started with). The bucket's other
// notifications are kept; a configuration that does so already is left
// as it is.
func (s *Store) Notify(ctx context.Context, arn, keyPrefix string) error {
	a, err := notification.NewArnFromString(arn)
	if err != nil {
		return fmt.Errorf("notification target %q: %w", arn, err)
	}
	prefix := s.cfg.Prefix + keyPrefix
	cfg, err := s.c.GetBucketNotification(ctx, s.cfg.Bucket)
	if err != nil {
		return fmt.Errorf("%s: reading the bucket's notifications: %w", s, err)
	}
	for _, q := range cfg.QueueConfigs {
		if q.Queue == arn && slices.Contains(q.Events, notification.ObjectCreatedAll) && filterPrefix(q.Filter) == prefix {
			return nil
		}
	}
	q := notification.NewConfig(a)
	q.AddEvents(notification.ObjectCreatedAll)
	q.AddFilterPrefix(prefix)
	cfg.AddQueue(q)
	if err := s.c.SetBucketNotification(ctx, s.cfg.Bucket, cfg); err != nil {
		return fmt.Errorf("%s: sending ObjectCreated events under %s to %s (is MinIO started with that NATS target?): %w", s, prefix, arn, err)
	}
	return nil
}

func filterPrefix(f *notification.Filter) string {
	if f == nil {
		return ""
	}
	for _, r := range f.S3Key.FilterRules {
		if r.Name == "prefix" {
			return r.Value
		}
	}
	return ""
}
