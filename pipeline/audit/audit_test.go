package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"shinsei/pipeline/audit"
	"shinsei/store"
	"shinsei/store/storetest"
)

type entry struct {
	Who    string `json:"who"`
	Action string `json:"action"`
	N      int    `json:"n"`
}

func appendN(t *testing.T, l *audit.Log, n int) []audit.Record {
	t.Helper()
	var recs []audit.Record
	for i := range n {
		r, err := l.Append(context.Background(), entry{Who: "suzuki", Action: "get", N: i + 1})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	return recs
}

func TestAppendLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		l := audit.New(b.Store, audit.Options{})
		recs := appendN(t, l, 3)
		prev := audit.Genesis
		for i, r := range recs {
			if r.Seq != uint64(i+1) || r.Prev != prev || r.Key != audit.Key(r.Seq) {
				t.Errorf("record %d: seq %d prev %.8s key %s; want prev %.8s", i+1, r.Seq, r.Prev, r.Key, prev)
			}
			prev = r.Hash
		}
		want := fmt.Sprintf(`{"seq":2,"prev":"%s","who":"suzuki","action":"get","n":2}`+"\n", recs[0].Hash)
		if string(recs[1].Data) != want {
			t.Errorf("stored record 2:\n%s\nwant\n%s", recs[1].Data, want)
		}
		// What Records yields is what Append wrote.
		i := 0
		for r, err := range l.Records(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			var e entry
			if err := r.Decode(&e); err != nil || e.N != i+1 || r.Hash != recs[i].Hash || r.Prev != recs[i].Prev {
				t.Errorf("Records[%d] = %+v %+v, %v", i, r, e, err)
			}
			i++
		}
		if i != 3 {
			t.Errorf("Records yielded %d, want 3", i)
		}
		rep, err := l.Verify(ctx)
		if err != nil || !rep.OK() || rep.Records != 3 || rep.Last != 3 || rep.LastHash != recs[2].Hash {
			t.Errorf("Verify = %+v, %v", rep, err)
		}
	})
}

func TestAppendRefuses(t *testing.T) {
	l := audit.New(storetest.Open(t, "file://"+t.TempDir(), func(string) string { return "" }).Store, audit.Options{})
	for _, e := range []any{
		"a string", 42, []string{"x"}, nil,
		map[string]any{"seq": 9, "who": "x"},
		map[string]any{"prev": audit.Genesis},
		map[string]any{"Seq": 1},
	} {
		if _, err := l.Append(context.Background(), e); !errors.Is(err, audit.ErrBadEntry) {
			t.Errorf("Append(%v) = %v, want ErrBadEntry", e, err)
		}
	}
	if r, err := l.Append(context.Background(), struct{}{}); err != nil || string(r.Data) != `{"seq":1,"prev":"`+audit.Genesis+`"}`+"\n" {
		t.Errorf("Append(empty object) = %s, %v", r.Data, err)
	}
}

// Writers in several "processes" (Logs over one store) append at once:
// every record is written once, numbers have no gap, the chain holds.
func TestConcurrentAppend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		const writers, each = 4, 8
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			l := audit.New(b.Store, audit.Options{})
			wg.Go(func() {
				for i := range each {
					if _, err := l.Append(ctx, entry{Who: fmt.Sprint("w", w), N: i}); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		l := audit.New(b.Store, audit.Options{})
		rep, err := l.Verify(ctx)
		if err != nil || !rep.OK() || rep.Records != writers*each || rep.Last != writers*each {
			t.Fatalf("Verify = %+v, %v", rep, err)
		}
		seen := map[string]int{}
		for r, err := range l.Records(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			var e entry
			r.Decode(&e)
			seen[fmt.Sprint(e.Who, "/", e.N)]++
		}
		if len(seen) != writers*each {
			t.Errorf("%d distinct entries, want %d: %v", len(seen), writers*each, seen)
		}
	})
}

// A lost head (or a store from before it) is rebuilt from the chain.
func TestAppendWithoutHead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		l := audit.New(b.Store, audit.Options{})
		recs := appendN(t, l, 3)
		storetest.Tamper(t, b).Remove(audit.HeadKey)
		r, err := l.Append(context.Background(), entry{N: 4})
		if err != nil || r.Seq != 4 || r.Prev != recs[2].Hash {
			t.Fatalf("Append without a head = %+v, %v; want seq 4 after record 3", r, err)
		}
		if rep, err := l.Verify(context.Background()); err != nil || !rep.OK() {
			t.Errorf("Verify = %+v, %v", rep, err)
		}
	})
}

// Each way of tampering with the log is found, and the record named.
func TestVerifyFindsTampering(t *testing.T) {
	type tamper func(x *storetest.Tamperer, s store.Store, recs []audit.Record)
	rewrite := func(r audit.Record, from, to string) []byte {
		return []byte(strings.Replace(string(r.Data), from, to, 1))
	}
	cases := []struct {
		name   string
		tamper tamper
		want   []string // Problem.String() of each problem, in order
	}{
		{"intact", func(*storetest.Tamperer, store.Store, []audit.Record) {}, nil},
		{"deleted middle", func(x *storetest.Tamperer, _ store.Store, recs []audit.Record) {
			x.Remove(recs[2].Key)
		}, []string{"record 3 (audit/chain/00000000000000000003.json) deleted: no record numbered 3"}},
		{"deleted two", func(x *storetest.Tamperer, _ store.Store, recs []audit.Record) {
			x.Remove(recs[1].Key)
			x.Remove(recs[2].Key)
		}, []string{"records 2–3 deleted: no records numbered 2 to 3"}},
		{"deleted first", func(x *storetest.Tamperer, _ store.Store, recs []audit.Record) {
			x.Remove(recs[0].Key)
		}, []string{"record 1 (audit/chain/00000000000000000001.json) deleted: no record numbered 1"}},
		{"deleted newest", func(x *storetest.Tamperer, _ store.Store, recs []audit.Record) {
			x.Remove(recs[4].Key)
		}, []string{"record 5 (audit/chain/00000000000000000005.json) deleted: the chain ends at record 4, the head names record 5"}},
		{"deleted newest and head", func(x *storetest.Tamperer, _ store.Store, recs []audit.Record) {
			x.Remove(recs[4].Key)
			x.Remove(audit.HeadKey)
		}, []string{"audit/head.json: deleted: the head is missing or unreadable, so deleting the newest records would go unseen"}},
		{"changed middle", func(x *storetest.Tamperer, _ store.Store, recs []audit.Record) {
			x.Replace(recs[1].Key, rewrite(recs[1], `"who":"suzuki"`, `"who":"sato"`))
		}, []string{"record 2 (audit/chain/00000000000000000002.json) changed: its content is not what record 3 holds the hash of"}},
		{"changed newest", func(x *storetest.Tamperer, _ store.Store, recs []audit.Record) {
			x.Replace(recs[4].Key, rewrite(recs[4], `"n":5`, `"n":6`))
		}, []string{"record 5 (audit/chain/00000000000000000005.json) changed: its content is not what the head holds the hash of"}},
		{"changed into garbage", func(x *storetest.Tamperer, _ store.Store, recs []audit.Record) {
			x.Replace(recs[2].Key, []byte("not json"))
		}, []string{"record 3 (audit/chain/00000000000000000003.json) changed: not a record: it does not parse, or has no seq or prev"}},
		{"swapped", func(x *storetest.Tamperer, _ store.Store, recs []audit.Record) {
			x.Replace(recs[1].Key, recs[2].Data)
			x.Replace(recs[2].Key, recs[1].Data)
		}, []string{
			"record 2 (audit/chain/00000000000000000002.json) reordered: it holds record 3: records were moved between keys",
			"record 3 (audit/chain/00000000000000000003.json) reordered: it holds record 2: records were moved between keys",
		}},
		{"swapped and renumbered", func(x *storetest.Tamperer, _ store.Store, recs []audit.Record) {
			// Records 2 and 3 change places, each relabelled with its new
			// number and linked as it was: 3 now follows 1.
			x.Replace(recs[1].Key, rewrite(recs[2], `"seq":3`, `"seq":2`))
			x.Replace(recs[2].Key, rewrite(recs[1], `"seq":2`, `"seq":3`))
		}, []string{
			"record 2 (audit/chain/00000000000000000002.json) changed: it links to no record present; record 3 links to record 1",
			"record 3 (audit/chain/00000000000000000003.json) reordered: it follows record 1, not record 2",
			"record 3 (audit/chain/00000000000000000003.json) changed: its content is not what record 4 holds the hash of",
		}},
		{"foreign object", func(x *storetest.Tamperer, _ store.Store, recs []audit.Record) {
			x.Replace(audit.Prefix+"extra.json", []byte("{}"))
		}, []string{"audit/chain/extra.json: foreign: not a record key"}},
	}
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				// Each case in a fresh corner of the store: a Log over a
				// prefixed view would need a store wrapper, so a fresh
				// local folder or bucket per case instead.
				bb := b
				if i > 0 {
					bb = fresh(t, b)
				}
				l := audit.New(bb.Store, audit.Options{})
				recs := appendN(t, l, 5)
				c.tamper(storetest.Tamper(t, bb), bb.Store, recs)
				rep, err := l.Verify(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, p := range rep.Problems {
					got = append(got, p.String())
				}
				if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
					t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
				}
				if rep.OK() != (len(c.want) == 0) {
					t.Errorf("OK() = %v with problems %v", rep.OK(), got)
				}
			})
		}
	})
}

// fresh opens another empty store on the same backend as b.
func fresh(t *testing.T, b storetest.Backend) storetest.Backend {
	if strings.HasPrefix(b.URL, "file://") {
		return storetest.Open(t, "file://"+t.TempDir(), b.Getenv)
	}
	url, getenv := storetest.S3(t, "")
	return storetest.Open(t, url, getenv)
}

func TestRecordChange(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	l := audit.New(storetest.Open(t, "file://"+t.TempDir(), func(string) string { return "" }).Store, audit.Options{Now: func() time.Time { return at }})
	r, err := l.Record(ctx, audit.Change{Who: "suzuki", Action: audit.ActionReviewSave, DocumentID: "abc-p1", Fields: []string{"name", "birth_date"}, Review: "archive/reviews/abc-p1/x.json"})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(r.Data, &got); err != nil {
		t.Fatal(err)
	}
	if got["at"] != "2026-05-01T10:00:00Z" || got["action"] != "review_save" || fmt.Sprint(got["fields"]) != "[name birth_date]" {
		t.Errorf("recorded %s", r.Data)
	}
	for _, c := range []audit.Change{
		{Who: "suzuki", Action: "delete_everything"},
		{Who: " ", Action: audit.ActionLogin},
		{Action: audit.ActionLogin},
	} {
		if _, err := l.Record(ctx, c); !errors.Is(err, audit.ErrBadChange) {
			t.Errorf("Record(%+v) = %v, want ErrBadChange", c, err)
		}
	}
}
