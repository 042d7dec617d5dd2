package archive_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/internal/pdfout"
	"shinsei/pipeline/archive"
	"shinsei/store"
	"shinsei/templates"
)

const (
	who = "suzuki (市民課)"
	why = "照会: the person asked which forms we hold"
)

// The whole life of an archive on each backend: put, search by every
// index, get (audited before anything is returned), put again (a rescan:
// recognised, nothing written), and a put that crashed halfway, completed
// by the next one.
func TestArchive(t *testing.T) {
	backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		day1 := time.Date(2026, 5, 1, 10, 0, 0, 0, jst)
		day2 := day1.AddDate(0, 0, 1)
		clk := newClock(day1, time.Second)
		sp := newSpy(s)
		a := archive.New(sp, archive.Options{Now: clk.Now})

		answer := makePage(t, pageSpec{name: "answer.pdf", template: "jpki-answer", status: forms.NeedsReview, caseID: "4991-7264-0", station: "市民課", original: true})
		app := makePage(t, pageSpec{name: "受付/申請書-0001.pdf", template: "jpki-application", status: forms.Accepted, station: "出張所/2", original: true})
		unknown := makePage(t, pageSpec{name: "misc.png", status: forms.NeedsReview, original: true})

		entries := map[string]archive.Entry{}
		for _, f := range []fixture{answer, app, unknown} {
			if f.page.Record.Source.Name == "misc.png" {
				clk.Set(day2)
			}
			e, err := a.Put(ctx, f.page)
			if err != nil {
				t.Fatalf("Put %s: %v", f.page.Record.Source.Name, err)
			}
			if e.Duplicate || e.DocumentID != f.page.Record.DocumentID {
				t.Fatalf("Put %s = %+v", f.page.Record.Source.Name, e)
			}
			entries[e.DocumentID] = e
			checkEntry(t, s, sp.Ops(), e)
		}
		answerID, appID, unknownID := answer.page.Record.DocumentID, app.page.Record.DocumentID, unknown.page.Record.DocumentID

		// The original is kept only for a form without PIN boxes, under its
		// hash and its own file name.
		all := objects(t, s)
		wantOriginals := []string{"archive/originals/" + app.page.Record.Source.SHA256 + "/申請書-0001.pdf"}
		if got := keysUnder(all, "archive/originals/"); !slices.Equal(got, wantOriginals) {
			t.Errorf("originals kept: %q, want %q", got, wantOriginals)
		}
		if !bytes.Equal(all[wantOriginals[0]], app.file) {
			t.Errorf("the kept original differs from the scanned file")
		}

		// Search by each index, alone and together.
		sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
		for _, c := range []struct {
			name string
			q    archive.Query
			want []string
		}{
			{"case", archive.Query{Case: "4991-7264-0"}, sorted(answerID)},
			{"form", archive.Query{Form: "jpki-application"}, sorted(appID)},
			{"unknown form", archive.Query{Form: archive.UnknownForm}, sorted(unknownID)},
			{"status", archive.Query{Status: "needs_review"}, sorted(answerID, unknownID)},
			{"station", archive.Query{Station: "市民課"}, sorted(answerID)},
			{"station with a slash", archive.Query{Station: "出張所/2"}, sorted(appID)},
			{"one day", archive.Query{From: day1, To: day1}, sorted(answerID, appID)},
			{"from", archive.Query{From: day2}, sorted(unknownID)},
			{"to", archive.Query{To: day1}, sorted(answerID, appID)},
			{"long range", archive.Query{From: day1.AddDate(-2, 0, 0), To: day2}, sorted(answerID, appID, unknownID)},
			{"status and day", archive.Query{Status: "needs_review", From: day1, To: day1}, sorted(answerID)},
			{"form and station disjoint", archive.Query{Form: "jpki-application", Station: "市民課"}, nil},
			{"everything", archive.Query{}, sorted(answerID, appID, unknownID)},
			{"no such case", archive.Query{Case: "0000-0000-0"}, nil},
			{"no such day", archive.Query{From: day2.AddDate(0, 0, 1)}, nil},
		} {
			t.Run("search "+c.name, func(t *testing.T) {
				q := c.q
				q.Who, q.Why = who, why
				recs, err := a.Search(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				want := c.want
				if want == nil {
					want = []string{}
				}
				if got := ids(recs); !slices.Equal(got, want) {
					t.Errorf("Search(%+v) = %q, want %q", c.q, got, want)
				}
				// The search itself is on record, with what it returned.
				log, err := a.Audit(ctx, time.Time{}, time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				last := log[len(log)-1]
				if last.Action != archive.ActionSearch || last.Who != who || last.Why != why || !slices.Equal(last.DocumentIDs, want) || last.Query == nil || last.Query.Case != c.q.Case {
					t.Errorf("last audit entry = %+v, want this search returning %q", last, want)
				}
			})
		}

		// Get: the read is recorded before any of the document is read.
		before := len(sp.Ops())
		rec, pdf, err := a.Get(ctx, answerID, who, why)
		if err != nil {
			t.Fatal(err)
		}
		if rec.DocumentID != answerID || rec.Case == nil || rec.Case.ID != "4991-7264-0" || rec.Status != forms.NeedsReview {
			t.Errorf("Get record = %+v", rec)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Errorf("Get page is not a PDF: %.20q", pdf)
		}
		ops := sp.Ops()[before:]
		auditAt := slices.IndexFunc(ops, func(op string) bool { return strings.HasPrefix(op, "put audit/") })
		firstRead := slices.IndexFunc(ops, func(op string) bool { return strings.HasPrefix(op, "get archive/") })
		if auditAt < 0 || firstRead < 0 || auditAt > firstRead {
			t.Errorf("Get's store operations %q: the audit entry must be written before the document is read", ops)
		}
		log, err := a.Audit(ctx, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if last := log[len(log)-1]; last.Action != archive.ActionGet || last.DocumentID != answerID || last.Who != who || last.Why != why || last.At.IsZero() {
			t.Errorf("last audit entry = %+v, want the get of %s", last, answerID)
		}

		// A rescan of the same file: recognised, nothing written.
		objsBefore := objects(t, s)
		clk.Set(day2.AddDate(0, 0, 5))
		again := answer.page
		again.Station = "市民総合窓口課"
		opsBefore := len(sp.Ops())
		e, err := a.Put(ctx, again)
		if err != nil {
			t.Fatal(err)
		}
		first := entries[answerID]
		if !e.Duplicate || !slices.Equal(e.Keys, first.Keys) || !e.ArchivedAt.Equal(first.ArchivedAt) {
			t.Errorf("Put again = %+v, want the first entry %+v marked duplicate", e, first)
		}
		if objsAfter := objects(t, s); len(objsAfter) != len(objsBefore) {
			t.Errorf("Put again: %d objects, was %d", len(objsAfter), len(objsBefore))
		}
		if ops := sp.Ops()[opsBefore:]; slices.ContainsFunc(ops, func(op string) bool { return strings.HasPrefix(op, "put ") }) {
			t.Errorf("Put of an archived page tried to write: %q", ops)
		}

		// A Put that stopped after the page: the next one completes it, and
		// the entry is as if nothing had happened.
		crashed := makePage(t, pageSpec{name: "crash.pdf", template: "jpki-answer", status: forms.Accepted, caseID: "1234-5678-9", station: "市民課"})
		var buf bytes.Buffer
		if err := pdfout.Write(&buf, []pdfout.Page{{Image: archive.Redact(crashed.page.Image, crashed.page.Template), WidthMM: 210, HeightMM: 297}}); err != nil {
			t.Fatal(err)
		}
		crashedID := crashed.page.Record.DocumentID
		if _, err := s.Put(ctx, "archive/docs/"+crashedID+"/page.pdf", bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
			t.Fatal(err)
		}
		recs, err := a.Search(ctx, archive.Query{Case: "1234-5678-9", Who: who, Why: why})
		if err != nil || len(recs) != 0 {
			t.Errorf("a half-written entry is found: %q, %v", ids(recs), err)
		}
		e, err = a.Put(ctx, crashed.page)
		if err != nil {
			t.Fatal(err)
		}
		if e.Duplicate {
			t.Errorf("Put after a crash = %+v, want a fresh entry", e)
		}
		checkEntry(t, s, nil, e)
		recs, err = a.Search(ctx, archive.Query{Case: "1234-5678-9", Who: who, Why: why})
		if err != nil || !slices.Equal(ids(recs), []string{crashedID}) {
			t.Errorf("Search for the repaired entry = %q, %v", ids(recs), err)
		}
		if _, got, err := a.Get(ctx, crashedID, who, why); err != nil || !bytes.Equal(got, buf.Bytes()) {
			t.Errorf("Get of the repaired entry: %d bytes, %v; want the page written before the crash", len(got), err)
		}
	})
}

// checkEntry checks that an entry's objects all exist, that they are all
// the objects about its document, and (given the store's operations) that
// the record was written last.
func checkEntry(t *testing.T, s store.Store, ops []string, e archive.Entry) {
	t.Helper()
	recKey := "archive/docs/" + e.DocumentID + "/record.json"
	if len(e.Keys) == 0 || e.Keys[len(e.Keys)-1] != recKey {
		t.Errorf("entry keys %q do not end with the record", e.Keys)
	}
	for _, k := range e.Keys {
		if err := store.CheckKey(k); err != nil {
			t.Error(err)
		}
	}
	var stored []string
	for k, v := range objects(t, s) {
		if strings.Contains(k, e.DocumentID) || (strings.HasPrefix(k, "archive/originals/") && slices.Contains(e.Keys, k)) {
			stored = append(stored, k)
			if strings.HasPrefix(k, "archive/index/") && len(v) != 0 {
				t.Errorf("index object %s holds %d bytes, want none", k, len(v))
			}
		}
	}
	slices.Sort(stored)
	want := slices.Sorted(slices.Values(e.Keys))
	if !slices.Equal(stored, want) {
		t.Errorf("objects stored for %s:\n%q\nwant the entry's keys:\n%q", e.DocumentID, stored, want)
	}
	if ops == nil {
		return
	}
	last := -1
	for i, op := range ops {
		if strings.HasPrefix(op, "put ") && slices.Contains(e.Keys, op[4:]) {
			if last >= 0 && ops[last] == "put "+recKey {
				t.Errorf("%s written after the record", op)
			}
			last = i
		}
	}
	if last < 0 || ops[last] != "put "+recKey {
		t.Errorf("the record was not the last object written: %q", ops)
	}
}

// A crash after any number of writes is repaired by the next Put, which
// ends with exactly the objects of an entry written in one go, dated by
// the first attempt once it got as far as entry.json.
func TestPutRepairsCrashAtEveryStep(t *testing.T) {
	ctx := context.Background()
	day1 := time.Date(2026, 5, 1, 10, 0, 0, 0, jst)
	later := day1.AddDate(0, 0, 3)
	f := makePage(t, pageSpec{name: "申請書.pdf", template: "jpki-application", status: forms.Accepted, caseID: "4991-7264-0", station: "市民課", original: true})
	for n := 0; ; n++ {
		s := localStore(t)
		sp := newSpy(s)
		clk := newClock(day1, 0)
		a := archive.New(sp, archive.Options{Now: clk.Now})
		sp.failAfter = n
		e, err := a.Put(ctx, f.page)
		if err == nil {
			if n < 5 {
				t.Fatalf("a Put succeeded in %d writes; an entry has more objects: %+v", n, e)
			}
			break
		}
		if !errors.Is(err, errCrash) {
			t.Fatalf("crash after %d writes: %v", n, err)
		}
		sp.failAfter = -1
		clk.Set(later)
		e, err = a.Put(ctx, f.page)
		if err != nil {
			t.Fatalf("crash after %d writes, then Put: %v", n, err)
		}
		if e.Duplicate {
			t.Errorf("crash after %d writes: the repairing Put says duplicate", n)
		}
		checkEntry(t, s, nil, e)
		metaAt := slices.Index(e.Keys, "archive/docs/"+e.DocumentID+"/entry.json")
		wantAt := later
		if n > metaAt {
			wantAt = day1
		}
		if !e.ArchivedAt.Equal(wantAt) {
			t.Errorf("crash after %d writes: archived at %v, want %v", n, e.ArchivedAt, wantAt)
		}
	}
}

// Workers racing on one page (a file dropped twice into the inbox) leave
// one entry: one Put archives it, the others see a duplicate.
func TestConcurrentPuts(t *testing.T) {
	ctx := context.Background()
	s := localStore(t)
	a := archive.New(s, archive.Options{Now: newClock(time.Date(2026, 5, 1, 10, 0, 0, 0, jst), time.Millisecond).Now})
	f := makePage(t, pageSpec{name: "answer.pdf", template: "jpki-answer", status: forms.Accepted, station: "市民課"})
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		fresh   int
		entries []archive.Entry
	)
	for range 4 {
		wg.Go(func() {
			e, err := a.Put(ctx, f.page)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			entries = append(entries, e)
			if !e.Duplicate {
				fresh++
			}
		})
	}
	wg.Wait()
	if fresh != 1 {
		t.Errorf("%d Puts archived the page, want exactly 1", fresh)
	}
	for _, e := range entries {
		checkEntry(t, s, nil, e)
	}
}

func TestPutRefuses(t *testing.T) {
	answer := tmpl(t, "jpki-answer")
	app := tmpl(t, "jpki-application")
	for _, c := range []struct {
		name   string
		change func(p *archive.Page)
	}{
		{"no document id", func(p *archive.Page) { p.Record.DocumentID = "" }},
		{"an id that is a path", func(p *archive.Page) { p.Record.DocumentID = "../../etc-p1" }},
		{"a known form without its template", func(p *archive.Page) { p.Template = nil }},
		{"a template for an unknown form", func(p *archive.Page) { p.Record.Template = nil }},
		{"another form's template", func(p *archive.Page) { p.Template = app }},
		{"an original that is another file", func(p *archive.Page) { p.Original = []byte("another file") }},
		{"a PIN field holding characters", func(p *archive.Page) {
			p.Record.Fields["pin_user"] = forms.FieldValue{Value: "4711", Confidence: 1}
		}},
		{"an empty image", func(p *archive.Page) { p.Image = image.NewGray(image.Rectangle{}) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := localStore(t)
			f := makePage(t, pageSpec{name: "a.pdf", template: answer.ID, status: forms.Accepted, original: true})
			c.change(&f.page)
			_, err := archive.New(s, archive.Options{}).Put(context.Background(), f.page)
			if !errors.Is(err, archive.ErrInvalidPage) {
				t.Errorf("Put: %v, want ErrInvalidPage", err)
			}
			if n := len(objects(t, s)); n != 0 {
				t.Errorf("a refused Put left %d objects", n)
			}
		})
	}
}

// A page that could not be decoded has a record and no image: it is
// archived as a record, and Get returns no PDF.
func TestPutRecordOnly(t *testing.T) {
	ctx := context.Background()
	s := localStore(t)
	a := archive.New(s, archive.Options{})
	f := makePage(t, pageSpec{name: "broken.pdf", status: forms.Rejected})
	f.page.Image = nil
	e, err := a.Put(ctx, f.page)
	if err != nil {
		t.Fatal(err)
	}
	checkEntry(t, s, nil, e)
	if slices.ContainsFunc(e.Keys, func(k string) bool { return strings.HasSuffix(k, "/page.pdf") }) {
		t.Errorf("keys %q name a page", e.Keys)
	}
	rec, pdf, err := a.Get(ctx, e.DocumentID, who, why)
	if err != nil || pdf != nil || rec.Status != forms.Rejected {
		t.Errorf("Get = %+v, %d bytes, %v", rec, len(pdf), err)
	}
}

func TestReadErrors(t *testing.T) {
	ctx := context.Background()
	sp := newSpy(localStore(t))
	a := archive.New(sp, archive.Options{})
	f := makePage(t, pageSpec{name: "a.pdf", template: "jpki-revocation", status: forms.Accepted})
	if _, err := a.Put(ctx, f.page); err != nil {
		t.Fatal(err)
	}
	id := f.page.Record.DocumentID
	for _, c := range []struct {
		name     string
		call     func() error
		want     error
		touchesS bool // may look at the store (but writes no audit entry)
	}{
		{"get without a reason", func() error { _, _, err := a.Get(ctx, id, who, " "); return err }, archive.ErrNoReason, false},
		{"get without a reader", func() error { _, _, err := a.Get(ctx, id, "", why); return err }, archive.ErrNoReason, false},
		{"get a path", func() error { _, _, err := a.Get(ctx, "../x", who, why); return err }, archive.ErrInvalidID, false},
		{"get a missing document", func() error { _, _, err := a.Get(ctx, "0123456789abcdef01234567-p1", who, why); return err }, archive.ErrNotFound, true},
		{"search without a reason", func() error { _, err := a.Search(ctx, archive.Query{Who: who}); return err }, archive.ErrNoReason, false},
		{"search for a status that does not exist", func() error {
			_, err := a.Search(ctx, archive.Query{Status: "acepted", Who: who, Why: why})
			return err
		}, archive.ErrInvalidQuery, false},
		{"search backwards in time", func() error {
			_, err := a.Search(ctx, archive.Query{From: time.Now(), To: time.Now().AddDate(0, 0, -2), Who: who, Why: why})
			return err
		}, archive.ErrInvalidQuery, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := len(sp.Ops())
			err := c.call()
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			ops := sp.Ops()[before:]
			if !c.touchesS && len(ops) > 0 {
				t.Errorf("a refused read touched the store: %q", ops)
			}
			if slices.ContainsFunc(ops, func(op string) bool { return strings.HasPrefix(op, "put ") }) {
				t.Errorf("a failed read wrote: %q", ops)
			}
		})
	}
	_, _, err := a.Get(ctx, "0123456789abcdef01234567-p1", who, why)
	if !errors.Is(err, store.ErrNotExist) {
		t.Errorf("a missing document's error %v does not wrap store.ErrNotExist", err)
	}
}

// Audit lists the reads between two instants, across day boundaries.
func TestAuditRange(t *testing.T) {
	ctx := context.Background()
	clk := newClock(time.Time{}, 0)
	a := archive.New(localStore(t), archive.Options{Now: clk.Now})
	f := makePage(t, pageSpec{name: "a.pdf", template: "jpki-revocation", status: forms.Accepted})
	clk.Set(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))
	if _, err := a.Put(ctx, f.page); err != nil {
		t.Fatal(err)
	}
	id := f.page.Record.DocumentID
	reads := []time.Time{
		time.Date(2026, 5, 1, 23, 59, 59, 0, time.UTC),
		time.Date(2026, 5, 2, 0, 0, 1, 0, time.UTC),
		time.Date(2026, 5, 2, 8, 30, 0, 0, jst), // 2026-05-01T23:30Z
		time.Date(2026, 5, 3, 12, 0, 0, 0, time.UTC),
	}
	for i, at := range reads {
		clk.Set(at)
		if _, _, err := a.Get(ctx, id, who, "read "+string(rune('a'+i))); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name     string
		from, to time.Time
		want     string // the reads' reasons' last letters, in the order recorded (the chain's, not the clocks')
	}{
		{"all", time.Time{}, time.Time{}, "abcd"},
		{"one UTC day", time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 5, 2, 23, 59, 59, 0, time.UTC), "b"},
		{"a JST day", time.Date(2026, 5, 2, 0, 0, 0, 0, jst), time.Date(2026, 5, 2, 23, 59, 59, 0, jst), "abc"},
		{"from", time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC), time.Time{}, "bd"},
		{"to", time.Time{}, time.Date(2026, 5, 1, 23, 59, 59, 0, time.UTC), "ac"},
		{"a long range", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), "abcd"},
		{"nothing", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			log, err := a.Audit(ctx, c.from, c.to)
			if err != nil {
				t.Fatal(err)
			}
			var got string
			for _, e := range log {
				if e.Action != archive.ActionGet || e.DocumentID != id || e.Who != who {
					t.Errorf("entry %+v", e)
				}
				got += e.Why[len(e.Why)-1:]
			}
			if got != c.want {
				t.Errorf("Audit(%v, %v) = reads %q, want %q", c.from, c.to, got, c.want)
			}
		})
	}
}

// The privacy rules: a page whose PIN cells hold writing is archived with
// every PIN box black, and no stored object nor log line holds a PIN.
func TestPrivacy(t *testing.T) {
	const pin = "K7Q2ZX9W4M" // a synthetic signature-certificate PIN
	backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		var logged bytes.Buffer
		a := archive.New(s, archive.Options{Log: slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))})

		// The scanned files hold the PIN too (a text layer, a scanner's
		// OCR): they must not be kept.
		answer := makePage(t, pageSpec{name: "answer.pdf", template: "jpki-answer", status: forms.Accepted, caseID: "4991-7264-0", station: "市民課", original: true, dpi: templates.CanvasDPI, content: "%PDF-1.7 scan, OCR layer: 暗証番号 " + pin + "\n"})
		unknown := makePage(t, pageSpec{name: "photo.jpg", status: forms.NeedsReview, original: true, dpi: 150, content: "JFIF... " + pin})
		// Ink outside the PIN boxes, to tell a redacted page from a black one.
		sig, _ := answer.page.Template.Field("person_signature")
		sigRect := pxRect(answer.page.Image, sig.Box, 20)
		for y := sigRect.Min.Y; y < sigRect.Min.Y+10; y++ {
			for x := sigRect.Min.X; x < sigRect.Max.X; x++ {
				answer.page.Image.Pix[answer.page.Image.PixOffset(x, y)] = 40
			}
		}
		scanned := bytes.Clone(answer.page.Image.Pix)

		for _, f := range []fixture{answer, unknown} {
			if _, err := a.Put(ctx, f.page); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(answer.page.Image.Pix, scanned) {
			t.Error("Put changed the caller's image")
		}

		_, pdf, err := a.Get(ctx, answer.page.Record.DocumentID, who, why)
		if err != nil {
			t.Fatal(err)
		}
		pages, err := pdfout.PageImages(bytes.NewReader(pdf))
		if err != nil {
			t.Fatal(err)
		}
		if len(pages) != 1 || pages[0].WidthMM < 209.9 || pages[0].WidthMM > 210.1 || pages[0].HeightMM < 296.9 || pages[0].HeightMM > 297.1 {
			t.Fatalf("stored PDF: %d pages, first %gx%g mm; want one A4 page", len(pages), pages[0].WidthMM, pages[0].HeightMM)
		}
		img, ok := pages[0].Image.(*image.Gray)
		if !ok {
			t.Fatalf("stored page is a %T, want gray", pages[0].Image)
		}
		if img.Bounds() != answer.page.Image.Bounds() {
			t.Fatalf("stored page is %v, scanned %v", img.Bounds(), answer.page.Image.Bounds())
		}
		n := 0
		for _, f := range answer.page.Template.Fields {
			if f.Kind != templates.PIN {
				continue
			}
			n++
			if m := maxIn(answer.page.Image, pxRect(answer.page.Image, f.Box, 0)); m != 255 {
				t.Fatalf("the test page's %s box has no paper left (max %d): the check below would prove nothing", f.ID, m)
			}
			if m := maxIn(img, pxRect(img, f.Box, 0)); m > 10 {
				t.Errorf("stored page: PIN box %s has a pixel of %d, want every pixel black (≤ 10)", f.ID, m)
			}
		}
		if n == 0 {
			t.Fatal("the answer sheet has no PIN fields")
		}
		if got := img.GrayAt(sigRect.Min.X+5, sigRect.Min.Y+5).Y; got != 40 {
			t.Errorf("ink outside the PIN boxes stored as %d, want 40 (kept as written)", got)
		}
		if got := img.GrayAt(sigRect.Min.X+5, sigRect.Max.Y-5).Y; got != 255 {
			t.Errorf("paper outside the PIN boxes stored as %d, want 255", got)
		}

		for k, v := range objects(t, s) {
			if strings.HasPrefix(k, "archive/originals/") {
				t.Errorf("%s: a scan with PIN boxes (or of an unknown form) was kept as scanned", k)
			}
			if strings.Contains(k, pin) || contains(v, pin) {
				t.Errorf("stored object %s holds the PIN", k)
			}
		}
		if logged.Len() == 0 {
			t.Error("nothing was logged: the log check below proves nothing")
		}
		if strings.Contains(logged.String(), pin) {
			t.Errorf("the log holds the PIN:\n%s", logged.String())
		}
	})
}

// An index object that disagrees with its record (left by a crashed Put
// whose repair read the page differently) does not make a search return a
// record that does not match.
func TestSearchTrustsRecords(t *testing.T) {
	ctx := context.Background()
	s := localStore(t)
	a := archive.New(s, archive.Options{})
	f := makePage(t, pageSpec{name: "a.pdf", template: "jpki-answer", status: forms.Accepted, caseID: "4991-7264-0"})
	if _, err := a.Put(ctx, f.page); err != nil {
		t.Fatal(err)
	}
	id := f.page.Record.DocumentID
	for _, k := range []string{"archive/index/status/rejected/" + id, "archive/index/case/1111-2222-3/" + id, "archive/index/form/jpki-revocation/" + id} {
		if _, err := s.Put(ctx, k, strings.NewReader(""), 0); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []archive.Query{{Status: "rejected"}, {Case: "1111-2222-3"}, {Form: "jpki-revocation"}} {
		q.Who, q.Why = who, why
		recs, err := a.Search(ctx, q)
		if err != nil || len(recs) != 0 {
			t.Errorf("Search(%+v) = %q, %v; want nothing", q, ids(recs), err)
		}
	}
}

// If the read cannot be recorded, nothing of the document is returned.
func TestGetUnrecordedReturnsNothing(t *testing.T) {
	ctx := context.Background()
	sp := newSpy(localStore(t))
	a := archive.New(sp, archive.Options{})
	f := makePage(t, pageSpec{name: "a.pdf", template: "jpki-answer", status: forms.Accepted})
	if _, err := a.Put(ctx, f.page); err != nil {
		t.Fatal(err)
	}
	sp.failAfter = 0
	before := len(sp.Ops())
	rec, pdf, err := a.Get(ctx, f.page.Record.DocumentID, who, why)
	if !errors.Is(err, errCrash) || rec.DocumentID != "" || pdf != nil {
		t.Errorf("Get with the audit log unwritable = %+v, %d bytes, %v; want nothing and the error", rec, len(pdf), err)
	}
	recs, err := a.Search(ctx, archive.Query{Who: who, Why: why})
	if !errors.Is(err, errCrash) || recs != nil {
		t.Errorf("Search with the audit log unwritable = %q, %v; want nothing and the error", ids(recs), err)
	}
	for _, op := range sp.Ops()[before:] {
		if strings.HasPrefix(op, "get archive/docs/") && strings.HasSuffix(op, "/page.pdf") {
			t.Errorf("the page was read although the read could not be recorded: %q", sp.Ops()[before:])
		}
	}
}

// An unfinished entry is completed as it was begun: a Put that lacks an
// object the first attempt meant to write (here the scanned file) cannot
// complete it, and says so; given the object, it can.
func TestPutCompletesAsBegun(t *testing.T) {
	ctx := context.Background()
	sp := newSpy(localStore(t))
	a := archive.New(sp, archive.Options{})
	f := makePage(t, pageSpec{name: "申請書.pdf", template: "jpki-application", status: forms.Accepted, original: true})
	sp.failAfter = 2 // entry.json and page.pdf
	if _, err := a.Put(ctx, f.page); !errors.Is(err, errCrash) {
		t.Fatalf("Put: %v, want the simulated crash", err)
	}
	sp.failAfter = -1
	without := f.page
	without.Original = nil
	if _, err := a.Put(ctx, without); !errors.Is(err, archive.ErrInvalidPage) || !strings.Contains(err.Error(), "scanned file") {
		t.Errorf("completing without the scanned file: %v, want ErrInvalidPage naming it", err)
	}
	e, err := a.Put(ctx, f.page)
	if err != nil || e.Duplicate {
		t.Fatalf("Put = %+v, %v", e, err)
	}
	checkEntry(t, sp.Store, nil, e)
}
