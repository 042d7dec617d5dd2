package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"shinsei/store"
)

// Problem kinds Verify reports.
const (
	// Deleted: a record number is missing (a gap, or the chain ends before
	// the head's number).
	Deleted = "deleted"
	// Changed: a record's bytes are not the ones the next record (or, for
	// the last, the head) holds the hash of, or the record does not parse.
	Changed = "changed"
	// Reordered: a record is under another number's key, or follows a
	// record other than the one before it.
	Reordered = "reordered"
	// Foreign: an object under the chain's prefix that is not a record key.
	Foreign = "foreign"
)

// Problem is one thing wrong with the chain.
type Problem struct {
	// Seq is the record the problem is about (0 for a foreign object);
	// for a run of deleted records, the first of them, and Last the last.
	Seq  uint64 `json:"seq,omitempty"`
	Last uint64 `json:"last,omitempty"`
	Key  string `json:"key"`
	Kind string `json:"kind"`
	// Detail says what was found, in words.
	Detail string `json:"detail"`
}

func (p Problem) String() string {
	if p.Last > p.Seq {
		return fmt.Sprintf("records %d–%d %s: %s", p.Seq, p.Last, p.Kind, p.Detail)
	}
	if p.Seq == 0 {
		return fmt.Sprintf("%s: %s: %s", p.Key, p.Kind, p.Detail)
	}
	return fmt.Sprintf("record %d (%s) %s: %s", p.Seq, p.Key, p.Kind, p.Detail)
}

// Report is what Verify found.
type Report struct {
	// Records is the number of records read.
	Records int `json:"records"`
	// Last and LastHash are the chain's last record and its hash: written
	// down (or sent elsewhere) they let a later Verify prove that nothing
	// up to there was replaced, even by someone who rewrote the head.
	Last     uint64    `json:"last"`
	LastHash string    `json:"last_hash"`
	Problems []Problem `json:"problems"`
}

// OK reports whether the chain is intact.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Verify reads the whole chain and reports every record deleted, changed
// or reordered. The error is for failing to read the store; what is wrong
// with the chain is in the Report.
func (l *Log) Verify(ctx context.Context) (Report, error) {
	rep := Report{Problems: []Problem{}}
	type seen struct {
		seq  uint64
		key  string
		prev string
		hash string
		body uint64 // the seq the record says it has
		ok   bool   // parsed
	}
	var recs []seen
	for info, err := range l.s.List(ctx, Prefix) {
		if err != nil {
			return rep, fmt.Errorf("audit: list %s: %w", Prefix, err)
		}
		n, ok := parseKey(info.Key)
		if !ok {
			rep.Problems = append(rep.Problems, Problem{Key: info.Key, Kind: Foreign, Detail: "not a record key"})
			continue
		}
		data, err := l.read(ctx, info.Key)
		if err != nil {
			return rep, err
		}
		s := seen{seq: n, key: info.Key, hash: hash(data)}
		var lk link
		if json.Unmarshal(data, &lk) == nil && lk.Seq != nil && len(lk.Prev) == len(Genesis) {
			s.ok, s.prev, s.body = true, lk.Prev, *lk.Seq
		}
		recs = append(recs, s)
	}
	rep.Records = len(recs)

	// Which record each hash belongs to, to tell a record that follows
	// the wrong one (reordered) from one whose predecessor was altered.
	byHash := make(map[string]uint64, len(recs))
	linkedFrom := make(map[string]uint64, len(recs))
	for _, r := range recs {
		if r.ok {
			byHash[r.hash] = r.body
			linkedFrom[r.prev] = r.seq
		}
	}
	want := uint64(1)
	for i, r := range recs {
		if r.seq > want {
			p := Problem{Seq: want, Key: Key(want), Kind: Deleted, Detail: fmt.Sprintf("no record numbered %d", want)}
			if r.seq-1 > want {
				p.Last = r.seq - 1
				p.Detail = fmt.Sprintf("no records numbered %d to %d", want, r.seq-1)
			}
			rep.Problems = append(rep.Problems, p)
		}
		want = r.seq + 1
		switch {
		case !r.ok:
			rep.Problems = append(rep.Problems, Problem{Seq: r.seq, Key: r.key, Kind: Changed, Detail: "not a record: it does not parse, or has no seq or prev"})
			continue
		case r.body != r.seq:
			rep.Problems = append(rep.Problems, Problem{Seq: r.seq, Key: r.key, Kind: Reordered,
				Detail: fmt.Sprintf("it holds record %d: records were moved between keys", r.body)})
			continue
		case r.seq == 1:
			if r.prev != Genesis {
				rep.Problems = append(rep.Problems, Problem{Seq: 1, Key: r.key, Kind: Changed, Detail: "the first record links to a record before it"})
			}
			continue
		case i == 0 || recs[i-1].seq != r.seq-1:
			continue // the record before is missing: reported above
		}
		before := recs[i-1]
		if r.prev == before.hash {
			continue
		}
		j, found := byHash[r.prev]
		switch {
		case found && j == before.seq:
			// The record before was moved to another key: reported there.
		case found:
			rep.Problems = append(rep.Problems, Problem{Seq: r.seq, Key: r.key, Kind: Reordered,
				Detail: fmt.Sprintf("it follows record %d, not record %d", j, before.seq)})
		case linkedFrom[before.hash] != 0:
			// The record before is intact (another record links to it):
			// this one was rewritten or put in.
			rep.Problems = append(rep.Problems, Problem{Seq: r.seq, Key: r.key, Kind: Changed,
				Detail: fmt.Sprintf("it links to no record present; record %d links to record %d", linkedFrom[before.hash], before.seq)})
		case before.ok && before.body == before.seq:
			rep.Problems = append(rep.Problems, Problem{Seq: before.seq, Key: before.key, Kind: Changed,
				Detail: fmt.Sprintf("its content is not what record %d holds the hash of", r.seq)})
		}
	}
	if len(recs) > 0 {
		last := recs[len(recs)-1]
		rep.Last, rep.LastHash = last.seq, last.hash
	}

	// The head: the newest records leave no gap when deleted, and the
	// last record has no successor to hold its hash.
	h, _, err := l.loadHead(ctx)
	switch {
	case errors.Is(err, store.ErrNotExist):
		if len(recs) > 0 {
			rep.Problems = append(rep.Problems, Problem{Key: HeadKey, Kind: Deleted, Detail: "the head is missing or unreadable, so deleting the newest records would go unseen"})
		}
	case err != nil:
		return rep, err
	case h.Seq > rep.Last:
		p := Problem{Seq: rep.Last + 1, Key: Key(rep.Last + 1), Kind: Deleted, Detail: fmt.Sprintf("the chain ends at record %d, the head names record %d", rep.Last, h.Seq)}
		if h.Seq > rep.Last+1 {
			p.Last = h.Seq
		}
		rep.Problems = append(rep.Problems, p)
	case h.Seq == rep.Last && h.Hash != rep.LastHash:
		rep.Problems = append(rep.Problems, Problem{Seq: rep.Last, Key: Key(rep.Last), Kind: Changed, Detail: "its content is not what the head holds the hash of"})
	case h.Seq < rep.Last:
		// A writer stopped between its record and the head: normal. The
		// head's record must still be the one it names.
		for _, r := range recs {
			if r.seq == h.Seq && h.Hash != r.hash {
				rep.Problems = append(rep.Problems, Problem{Seq: r.seq, Key: r.key, Kind: Changed, Detail: "its content is not what the head holds the hash of"})
			}
		}
	}
	return rep, nil
}
