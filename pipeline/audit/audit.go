// Package audit is shinsei's tamper-evident audit log: a hash chain of
// write-once objects in the store. Record n is audit/chain/<n>.json, n
// counting from 1 and zero-padded so keys sort as the records were
// written, and holds the SHA-256 of the bytes of record n-1; Verify walks
// the chain and names a record that was deleted, changed or moved.
//
// Two writers cannot both take number n: a record is written with the
// store's Put, which creates an object only where none exists, so the
// loser gets store.ErrExist, reads the winner's record, and links to it
// instead. A small mutable object, audit/head.json, remembers the last
// number and hash so a writer need not list the chain to find its end; it
// is only a hint for writing (the chain itself is the truth), but Verify
// also compares the chain's end against it, because deleting the newest
// records leaves no gap a chain can show.
//
// The package knows nothing of what is recorded: an entry is any value
// that encodes as a JSON object, stored with "seq" and "prev" in front.
// Reads of the archive (pipeline/archive) and changes (Change: reviews,
// case actions, logins) share the one chain.
package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"shinsei/store"
)

// Keys in the store (docs/archive.md).
const (
	// Prefix holds the records, audit/chain/<seq>.json.
	Prefix = "audit/chain/"
	// HeadKey is the mutable hint naming the last record.
	HeadKey = "audit/head.json"
)

// Genesis is the prev of record 1: there is no record before it.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// seqDigits is the width of the number in a key: any uint64 fits, and
// fixed width makes the store's byte order the numeric order.
const seqDigits = 20

// maxAppendAttempts bounds how often Append loses the race for a number
// to other writers before giving up; each loss means another record was
// written, so reaching it means something is wrong, not merely busy.
const maxAppendAttempts = 1000

// maxRecord bounds the read of one record; entries are a few kilobytes
// (a search names every document it returned).
const maxRecord = 16 << 20

// Key is the store key of record seq.
func Key(seq uint64) string {
	return fmt.Sprintf("%s%0*d.json", Prefix, seqDigits, seq)
}

// parseKey returns the number of a record key.
func parseKey(key string) (uint64, bool) {
	s, ok := strings.CutPrefix(key, Prefix)
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, ".json")
	if !ok || len(s) != seqDigits {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil && n > 0
}

// Record is one stored record.
type Record struct {
	Seq uint64
	// Prev is the hex SHA-256 of record Seq-1's stored bytes, Genesis for
	// record 1.
	Prev string
	// Hash is the hex SHA-256 of Data: what record Seq+1 holds as Prev.
	Hash string
	Key  string
	// Data is the record as stored: one JSON object, "seq" and "prev"
	// first, then the entry's own fields, and a newline.
	Data []byte
}

// Decode unmarshals the record's entry into v (seq and prev are ignored
// unless v has fields for them).
func (r Record) Decode(v any) error {
	if err := json.Unmarshal(r.Data, v); err != nil {
		return fmt.Errorf("audit: %s: %w", r.Key, err)
	}
	return nil
}

// Options configure a Log.
type Options struct {
	// Now is the clock for Change records that do not give a time; nil
	// means time.Now.
	Now func() time.Time
	// Log receives what the log does (keys and actions, never entries).
	Log *slog.Logger
}

// Log is the audit chain in one store. It holds no state besides its
// options; any number of Logs in any number of processes can append to
// one store at once.
type Log struct {
	s   store.Store
	now func() time.Time
	log *slog.Logger
}

// New returns the audit log kept in s.
func New(s store.Store, opts Options) *Log {
	l := &Log{s: s, now: opts.Now, log: opts.Log}
	if l.now == nil {
		l.now = time.Now
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	return l
}

// head is audit/head.json.
type head struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// ErrBadEntry: Append was given something that is not a JSON object, or
// one with a "seq" or "prev" of its own.
var ErrBadEntry = errors.New("audit: entry must encode as a JSON object without seq or prev")

// Append writes entry as the next record of the chain and returns it.
// When Append returns an error the entry may not have been recorded, and
// whatever it was to record must not happen (the read not shown).
func (l *Log) Append(ctx context.Context, entry any) (Record, error) {
	body, err := json.Marshal(entry)
	if err != nil {
		return Record{}, fmt.Errorf("audit: encode entry: %w", err)
	}
	var own struct {
		Seq  json.RawMessage `json:"seq"`
		Prev json.RawMessage `json:"prev"`
	}
	if len(body) < 2 || body[0] != '{' || json.Unmarshal(body, &own) != nil || own.Seq != nil || own.Prev != nil {
		return Record{}, ErrBadEntry
	}
	seq, prev, err := l.end(ctx)
	if err != nil {
		return Record{}, err
	}
	for range maxAppendAttempts {
		next := seq + 1
		data := encode(next, prev, body)
		key := Key(next)
		_, err := l.s.Put(ctx, key, bytes.NewReader(data), int64(len(data)))
		if err == nil {
			rec := Record{Seq: next, Prev: prev, Hash: hash(data), Key: key, Data: data}
			l.advanceHead(ctx, rec)
			l.log.Debug("audit record written", "key", key)
			return rec, nil
		}
		if !errors.Is(err, store.ErrExist) {
			return Record{}, fmt.Errorf("audit: write %s: %w", key, err)
		}
		// Another writer took this number: link to its record instead.
		data, err = l.read(ctx, key)
		if err != nil {
			return Record{}, err
		}
		seq, prev = next, hash(data)
	}
	return Record{}, fmt.Errorf("audit: gave up after losing %d races for the next record number", maxAppendAttempts)
}

// encode is the stored form of a record: seq and prev in front of the
// entry's own fields.
func encode(seq uint64, prev string, body []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"seq":%d,"prev":"%s"`, seq, prev)
	if rest := body[1:]; !bytes.Equal(bytes.TrimSpace(rest), []byte("}")) {
		b.WriteByte(',')
		b.Write(rest)
	} else {
		b.WriteByte('}')
	}
	b.WriteByte('\n')
	return b.Bytes()
}

func hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// end returns the last record's number and hash as far as the head knows;
// Append moves on from there past anything written since. Without a head
// (a new log, or one whose head was lost) the chain is listed once.
func (l *Log) end(ctx context.Context) (uint64, string, error) {
	h, _, err := l.loadHead(ctx)
	if err == nil {
		return h.Seq, h.Hash, nil
	}
	if !errors.Is(err, store.ErrNotExist) {
		return 0, "", err
	}
	seq, prev := uint64(0), Genesis
	for info, err := range l.s.List(ctx, Prefix) {
		if err != nil {
			return 0, "", fmt.Errorf("audit: list %s: %w", Prefix, err)
		}
		if n, ok := parseKey(info.Key); ok && n > seq {
			seq = n
		}
	}
	if seq > 0 {
		data, err := l.read(ctx, Key(seq))
		if err != nil {
			return 0, "", err
		}
		prev = hash(data)
	}
	return seq, prev, nil
}

func (l *Log) loadHead(ctx context.Context) (head, store.Info, error) {
	data, info, err := l.s.Load(ctx, HeadKey)
	if err != nil {
		return head{}, info, fmt.Errorf("audit: %w", err)
	}
	var h head
	if err := json.Unmarshal(data, &h); err != nil || len(h.Hash) != len(Genesis) {
		return head{}, info, fmt.Errorf("audit: %s is not a head: %w", HeadKey, store.ErrNotExist)
	}
	return h, info, nil
}

// advanceHead moves the head to rec unless it is at rec or further
// already. It is a hint: failing to move it loses nothing (the next
// Append finds its way past), so failures are logged, not returned.
func (l *Log) advanceHead(ctx context.Context, rec Record) {
	data, _ := json.Marshal(head{Seq: rec.Seq, Hash: rec.Hash})
	for range 10 {
		h, info, err := l.loadHead(ctx)
		old := info.Version
		switch {
		case errors.Is(err, store.ErrNotExist) && info.Version == "":
			old = "" // no head yet: create it
		case errors.Is(err, store.ErrNotExist):
			// unreadable head: replace it
		case err != nil:
			l.log.Warn("audit: head not moved", "err", err)
			return
		case h.Seq >= rec.Seq:
			return
		}
		_, err = l.s.Swap(ctx, HeadKey, old, data)
		if err == nil || !(errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrExist) || errors.Is(err, store.ErrNotExist)) {
			if err != nil {
				l.log.Warn("audit: head not moved", "err", err)
			}
			return
		}
	}
}

func (l *Log) read(ctx context.Context, key string) ([]byte, error) {
	rc, err := l.s.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer rc.Close()
	data, err := store.ReadAllLimit(rc, maxRecord)
	if err != nil {
		return nil, fmt.Errorf("audit: read %s: %w", key, err)
	}
	return data, nil
}

// link is the part of a record Verify and Records read.
type link struct {
	Seq  *uint64 `json:"seq"`
	Prev string  `json:"prev"`
}

// Records yields every record in key order (the order they were written).
// It checks nothing: Verify does. An object under Prefix that is not a
// record key is skipped; one that cannot be read or parsed is an error.
func (l *Log) Records(ctx context.Context) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for info, err := range l.s.List(ctx, Prefix) {
			if err != nil {
				yield(Record{}, fmt.Errorf("audit: list %s: %w", Prefix, err))
				return
			}
			n, ok := parseKey(info.Key)
			if !ok {
				continue
			}
			data, err := l.read(ctx, info.Key)
			if err != nil {
				if !yield(Record{}, err) {
					return
				}
				continue
			}
			var lk link
			if err := json.Unmarshal(data, &lk); err != nil {
				if !yield(Record{}, fmt.Errorf("audit: %s: %w", info.Key, err)) {
					return
				}
				continue
			}
			if !yield(Record{Seq: n, Prev: lk.Prev, Hash: hash(data), Key: info.Key, Data: data}, nil) {
				return
			}
		}
	}
}
