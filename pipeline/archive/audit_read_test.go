package archive_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/store"
)

// The scanned file kept for a document is read only through Original,
// which records who read it and why before returning it; a document
// without one, or none at all, is read no further and not recorded.
func TestOriginalIsAudited(t *testing.T) {
	backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		a := archive.New(s, archive.Options{Now: newClock(time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC), time.Millisecond).Now})
		app := makePage(t, pageSpec{name: "申請書.png", template: "jpki-application", status: forms.Accepted, original: true})
		sheet := makePage(t, pageSpec{name: "回答書.png", template: "jpki-answer", status: forms.Accepted, original: true})
		for _, f := range []fixture{app, sheet} {
			if _, err := a.Put(ctx, f.page); err != nil {
				t.Fatal(err)
			}
		}
		appID, sheetID := app.page.Record.DocumentID, sheet.page.Record.DocumentID

		if _, _, err := a.Original(ctx, appID, "", "照会"); !errors.Is(err, archive.ErrNoReason) {
			t.Errorf("Original without a reader: %v, want ErrNoReason", err)
		}
		if _, _, err := a.Original(ctx, sheetID, "suzuki", "照会"); !errors.Is(err, archive.ErrNoOriginal) {
			t.Errorf("Original of an answer sheet (never kept): %v, want ErrNoOriginal", err)
		}
		if _, _, err := a.Original(ctx, strings.Repeat("0", 24)+"-p1", "suzuki", "照会"); !errors.Is(err, archive.ErrNotFound) {
			t.Errorf("Original of no document: %v, want ErrNotFound", err)
		}
		if log := auditEntries(t, a); len(log) != 0 {
			t.Errorf("refused reads were recorded: %+v", log)
		}

		name, data, err := a.Original(ctx, appID, "suzuki", "原本の確認")
		if err != nil {
			t.Fatal(err)
		}
		if name != "申請書.png" || !bytes.Equal(data, app.file) {
			t.Errorf("Original = %q, %d bytes; want 申請書.png, the scanned file", name, len(data))
		}
		log := auditEntries(t, a)
		if len(log) != 1 || log[0].Action != archive.ActionOriginal || log[0].DocumentID != appID || log[0].Who != "suzuki" || log[0].Why != "原本の確認" {
			t.Errorf("audit log %+v, want one original read of %s by suzuki", log, appID)
		}
	})
}

// If the read of an original cannot be recorded, the original is not read.
func TestOriginalUnrecordedReturnsNothing(t *testing.T) {
	ctx := context.Background()
	sp := newSpy(localStore(t))
	a := archive.New(sp, archive.Options{})
	f := makePage(t, pageSpec{name: "a.png", template: "jpki-application", status: forms.Accepted, original: true})
	if _, err := a.Put(ctx, f.page); err != nil {
		t.Fatal(err)
	}
	sp.failAfter = 0
	before := len(sp.Ops())
	name, data, err := a.Original(ctx, f.page.Record.DocumentID, "suzuki", "照会")
	if !errors.Is(err, errCrash) || name != "" || data != nil {
		t.Errorf("Original with the audit log unwritable = %q, %d bytes, %v; want nothing and the error", name, len(data), err)
	}
	for _, op := range sp.Ops()[before:] {
		if strings.HasPrefix(op, "get archive/originals/") {
			t.Errorf("the original was read although the read could not be recorded: %q", sp.Ops()[before:])
		}
	}
}

// Reads of cases are recorded in the same log, with their cases; a record
// without reader, reason or case, or of an action that is not a case
// read, is refused.
func TestRecordRead(t *testing.T) {
	ctx := context.Background()
	a := archive.New(localStore(t), archive.Options{Now: newClock(time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC), time.Millisecond).Now})
	for _, e := range []archive.AuditEntry{
		{Who: "suzuki", Why: "窓口での確認", Action: archive.ActionCaseShow, CaseID: "4991-7264-0"},
		{Who: "suzuki", Why: "未回答の確認", Action: archive.ActionCaseList, CaseStatus: "pending"},
		{Who: "suzuki", Why: "郵送", Action: archive.ActionCaseSheet, CaseID: "4991-7264-0"},
	} {
		if err := a.RecordRead(ctx, e); err != nil {
			t.Fatalf("RecordRead(%+v): %v", e, err)
		}
	}
	for _, c := range []struct {
		e    archive.AuditEntry
		want error
	}{
		{archive.AuditEntry{Why: "x", Action: archive.ActionCaseShow, CaseID: "1"}, archive.ErrNoReason},
		{archive.AuditEntry{Who: "x", Action: archive.ActionCaseShow, CaseID: "1"}, archive.ErrNoReason},
		{archive.AuditEntry{Who: "x", Why: "y", Action: archive.ActionCaseShow}, nil},
		{archive.AuditEntry{Who: "x", Why: "y", Action: archive.ActionGet, DocumentID: strings.Repeat("0", 24) + "-p1"}, nil},
	} {
		err := a.RecordRead(ctx, c.e)
		if err == nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("RecordRead(%+v) = %v, want an error (%v)", c.e, err, c.want)
		}
	}
	log := auditEntries(t, a)
	if len(log) != 3 {
		t.Fatalf("%d entries, want the 3 valid ones: %+v", len(log), log)
	}
	if log[0].CaseID != "4991-7264-0" || log[1].CaseIDs == nil || len(log[1].CaseIDs) != 0 || log[1].CaseStatus != "pending" || log[2].Action != archive.ActionCaseSheet {
		t.Errorf("entries %+v", log)
	}
}

func auditEntries(t *testing.T, a *archive.Archive) []archive.AuditEntry {
	t.Helper()
	log, err := a.Audit(context.Background(), time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return log
}
