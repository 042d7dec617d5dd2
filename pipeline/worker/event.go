package worker

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Event is what a queue message says: an object was created in a bucket.
type Event struct {
	Bucket string
	// Key is the object's name in the bucket (unescaped).
	Key string
	// ETag names the object's content as the server saw it (without
	// quotes); "" when the event did not carry one.
	ETag string
	Size int64
}

// The S3 event notification JSON, as MinIO publishes it to NATS: a log
// entry wrapping the records (MinIO's event.Log). AWS's shape is the same
// without the wrapper's other fields.
type eventLog struct {
	EventName string        `json:"EventName,omitempty"`
	Key       string        `json:"Key,omitempty"`
	Records   []eventRecord `json:"Records"`
}

type eventRecord struct {
	EventVersion string  `json:"eventVersion"`
	EventSource  string  `json:"eventSource"`
	EventTime    string  `json:"eventTime,omitempty"`
	EventName    string  `json:"eventName"`
	S3           eventS3 `json:"s3"`
}

type eventS3 struct {
	Bucket struct {
		Name string `json:"name"`
	} `json:"bucket"`
	Object struct {
		// Key is URL-encoded in S3 events (a space is "+").
		Key  string `json:"key"`
		Size int64  `json:"size"`
		ETag string `json:"eTag,omitempty"`
	} `json:"object"`
}

// ErrNotCreated: the message is a valid event but not of an object being
// created (a deletion, say), which the worker has nothing to do with.
var ErrNotCreated = errors.New("not an ObjectCreated event")

// ParseEvent reads one S3 event notification. A message holding several
// records (AWS batches them; MinIO sends one) is refused: the queue's unit
// of work is one file, acknowledged on its own.
func ParseEvent(data []byte) (Event, error) {
	var l eventLog
	if err := json.Unmarshal(data, &l); err != nil {
		return Event{}, fmt.Errorf("event: %w", err)
	}
	if len(l.Records) != 1 {
		return Event{}, fmt.Errorf("event: %d records, want 1", len(l.Records))
	}
	r := l.Records[0]
	// MinIO names events "s3:ObjectCreated:Put", AWS "ObjectCreated:Put".
	if !strings.HasPrefix(strings.TrimPrefix(r.EventName, "s3:"), "ObjectCreated:") {
		return Event{}, fmt.Errorf("event %q: %w", r.EventName, ErrNotCreated)
	}
	key, err := url.QueryUnescape(r.S3.Object.Key)
	if err != nil {
		return Event{}, fmt.Errorf("event: object key %q: %w", r.S3.Object.Key, err)
	}
	if key == "" {
		return Event{}, errors.New("event: no object key")
	}
	return Event{Bucket: r.S3.Bucket.Name, Key: key, ETag: strings.Trim(r.S3.Object.ETag, `"`), Size: r.S3.Object.Size}, nil
}

// Marshal writes the event in the shape MinIO publishes, so a message the
// reconciler enqueues reads like one MinIO sent.
func (e Event) Marshal(now time.Time) []byte {
	var r eventRecord
	r.EventVersion, r.EventSource, r.EventName = "2.0", "shinsei:reconcile", "s3:ObjectCreated:Put"
	r.EventTime = now.UTC().Format(time.RFC3339Nano)
	r.S3.Bucket.Name = e.Bucket
	r.S3.Object.Key = url.QueryEscape(e.Key)
	r.S3.Object.Size = e.Size
	r.S3.Object.ETag = e.ETag
	data, err := json.Marshal(eventLog{EventName: r.EventName, Key: e.Bucket + "/" + e.Key, Records: []eventRecord{r}})
	if err != nil {
		panic(err) // strings and numbers only
	}
	return data
}
