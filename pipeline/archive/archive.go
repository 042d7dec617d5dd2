// Package archive keeps what shinsei read: for every scanned page the
// redacted page as PDF and its record as JSON, in the object store, under
// keys derived from the scanned file's content, with small index objects so
// staff can find documents by case, day, form, status and station without
// reading the whole archive. Every read is written to an audit log before
// the data is handed out. docs/archive.md describes the layout.
//
// The privacy rules (DOMAIN.md) bind this package more than any other: PIN
// boxes are blacked out in a copy of the page before anything is encoded,
// a scanned file that may show a PIN is never kept, and nothing here logs
// field values.
package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"strings"
	"time"

	"shinsei/forms"
	"shinsei/internal/pdfout"
	"shinsei/pipeline/audit"
	"shinsei/store"
	"shinsei/templates"
)

// Errors callers can test for with errors.Is.
var (
	// ErrInvalidPage: Put was given a page it must not archive as is (no
	// document id, a template that does not match the record, an original
	// whose hash is not the record's).
	ErrInvalidPage = errors.New("page cannot be archived")
	// ErrInvalidID: a document id that is not of the form forms.DocumentID
	// gives.
	ErrInvalidID = errors.New("not a document id")
	// ErrNotFound: no complete archive entry under that document id.
	ErrNotFound = errors.New("no archived document")
	// ErrNoReason: a read without a reader or a reason; every read of the
	// archive must say who and why, as the privacy rules require.
	ErrNoReason = errors.New("who is reading and why must be given: every read of the archive is recorded")
	// ErrInvalidQuery: a search that cannot match anything as asked.
	ErrInvalidQuery = errors.New("invalid archive query")
)

// Options configure an Archive.
type Options struct {
	// Now is the clock: the archive day of an entry and the time of audit
	// entries. Nil means time.Now. The archive day is taken in the location
	// of the times Now returns (the machine's local zone for time.Now),
	// because staff search by the day on their calendar.
	Now func() time.Time
	// Log receives what the archive does (keys and document ids, never
	// field values). Nil means no logging.
	Log *slog.Logger
	// IndexKey is the secret of the name index (names.go): names and
	// readings are indexed under an HMAC of it, never as written. At
	// least MinIndexKeyLen bytes; nil means names are not indexed and a
	// search by name fails with ErrNoIndexKey. It must stay the same for
	// the life of the archive: names indexed under another key are not
	// found.
	IndexKey []byte
}

// Archive is the archive in one store. It holds no state of its own
// besides its options, so any number of Archives, in any number of
// processes, can share a store.
type Archive struct {
	s        store.Store
	chain    *audit.Log
	now      func() time.Time
	log      *slog.Logger
	indexKey []byte
}

// New returns the archive kept in s.
func New(s store.Store, opts Options) *Archive {
	a := &Archive{s: s, now: opts.Now, log: opts.Log, indexKey: opts.IndexKey}
	if a.now == nil {
		a.now = time.Now
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.chain = audit.New(s, audit.Options{Now: a.now, Log: a.log})
	return a
}

// Page is what is archived for one scanned page.
type Page struct {
	// Record is the page's record; its DocumentID names the entry.
	Record forms.Record
	// Image is the page as registered onto the template canvas (300 dpi)
	// or, for an unknown form, as scanned and straightened. It is redacted
	// (Redact) before it is encoded; the caller's image is not changed.
	// Nil only for a page that could not be decoded: then only the record
	// is archived.
	Image *image.Gray
	// Template is the form the page was read with; nil for an unknown
	// form. It must name the same form as Record.Template: it says where
	// the PIN boxes are, and a known form archived without it would keep
	// its PINs.
	Template *templates.Template
	// Original is the scanned file, whole. It is kept only when Template
	// is known and has no PIN field. A page that is not a known form is
	// never kept as scanned: it may be an answer sheet whose marks could
	// not be found, and its PIN boxes cannot be blacked out where shinsei
	// does not know them. The file holds every page, so a caller must also
	// leave Original nil when any other page of the same file is an
	// answer sheet or unknown.
	Original     []byte
	OriginalName string
	// Station is the scanning station (window) that produced the scan;
	// may be "".
	Station string
}

// Entry says where a page was archived.
type Entry struct {
	DocumentID string `json:"document_id"`
	// Keys are the entry's objects in the order they are written, the
	// record last.
	Keys []string `json:"keys"`
	// Duplicate: the entry existed already (a rescan of the same file);
	// nothing was written, and Keys and ArchivedAt are the existing ones.
	Duplicate  bool      `json:"duplicate"`
	ArchivedAt time.Time `json:"archived_at"`
}

// entryMeta is archive/docs/<id>/entry.json: what the record does not say
// about an entry. It is written first, so a Put that completes a crashed
// one uses the first attempt's day, station and objects, and the entry
// ends up as if the crash had not happened.
type entryMeta struct {
	DocumentID string    `json:"document_id"`
	ArchivedAt time.Time `json:"archived_at"`
	Station    string    `json:"station,omitempty"`
	// Page: a page.pdf is part of the entry (false only for a page that
	// could not be decoded).
	Page bool `json:"page"`
	// Original is the key of the scanned file, when it was kept.
	Original string `json:"original,omitempty"`
}

// Put archives one page: a small entry.json (when and where), the
// redacted page as PDF, the original file where it may be kept, the index
// objects and, last, the record, whose presence means the entry is
// complete. Every object is write-once. If the entry is
// complete already (the same file scanned again), Put writes nothing and
// returns the existing entry with Duplicate set. If an earlier Put stopped
// halfway, Put writes what is missing and completes it.
func (a *Archive) Put(ctx context.Context, p Page) (Entry, error) {
	if err := p.check(); err != nil {
		return Entry{}, err
	}
	id := p.Record.DocumentID
	recKey := docKey(id, recordName)
	if _, err := a.s.Stat(ctx, recKey); err == nil {
		return a.duplicate(ctx, id)
	} else if !errors.Is(err, store.ErrNotExist) {
		return Entry{}, fmt.Errorf("archive %s: %w", id, err)
	}

	// Encode everything before writing anything, so a page that cannot be
	// encoded leaves no half entry behind.
	recJSON, err := json.MarshalIndent(p.Record, "", "  ")
	if err != nil {
		return Entry{}, fmt.Errorf("archive %s: encode record: %w", id, err)
	}
	recJSON = append(recJSON, '\n')
	var pdf []byte
	if p.Image != nil {
		pageW, pageH := templates.PageWidthMM, templates.PageHeightMM
		if p.Template != nil && p.Template.Page.WidthMM > 0 && p.Template.Page.HeightMM > 0 {
			pageW, pageH = p.Template.Page.WidthMM, p.Template.Page.HeightMM
		}
		// Redacted before it is encoded: the PDF never holds a PIN cell.
		redacted := Redact(p.Image, p.Template)
		var buf bytes.Buffer
		if err := pdfout.Write(&buf, []pdfout.Page{{Image: redacted, WidthMM: pageW, HeightMM: pageH}}); err != nil {
			return Entry{}, fmt.Errorf("archive %s: %w", id, err)
		}
		pdf = buf.Bytes()
	}

	meta := entryMeta{DocumentID: id, ArchivedAt: a.now(), Station: p.Station, Page: pdf != nil}
	// A My Number was masked in the page, but the scanned file still
	// shows it: such a file is not kept either.
	keepOriginal := p.Original != nil && p.Template != nil && !hasPIN(p.Template) && !hasIssue(p.Record, forms.CodeMyNumberMasked)
	if keepOriginal {
		meta.Original = originalKey(p.Record.Source.SHA256, p.OriginalName)
	} else if p.Original != nil {
		a.log.Debug("archive: scanned file not kept: its pages may show a PIN or a My Number", "document_id", id)
	}
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return Entry{}, fmt.Errorf("archive %s: %w", id, err)
	}
	metaJSON = append(metaJSON, '\n')
	metaKey := docKey(id, entryName)
	if _, err := a.s.Put(ctx, metaKey, bytes.NewReader(metaJSON), int64(len(metaJSON))); errors.Is(err, store.ErrExist) {
		// An earlier Put of this page stopped halfway: finish its entry as
		// it began it.
		if meta, err = a.meta(ctx, id); err != nil {
			return Entry{}, err
		}
		a.log.Info("archive: completing an entry an earlier run left unfinished", "document_id", id)
	} else if err != nil {
		return Entry{}, fmt.Errorf("archive %s: %w", metaKey, err)
	}

	if meta.Page {
		if err := a.putPart(ctx, docKey(id, pageName), pdf, "page image"); err != nil {
			return Entry{}, err
		}
	}
	if meta.Original != "" {
		var data []byte
		if keepOriginal {
			data = p.Original
		}
		if err := a.putPart(ctx, meta.Original, data, "scanned file"); err != nil {
			return Entry{}, err
		}
	}
	keys := entryKeys(p.Record, meta, a.nameIndexKeys(p.Record))
	if a.indexKey == nil && len(recordNameTerms(p.Record)) > 0 {
		a.log.Debug("archive: names not indexed: no index key", "document_id", id)
	}
	for _, k := range keys {
		if !isIndexKey(k) {
			continue
		}
		if err := a.putOnce(ctx, k, nil); err != nil {
			return Entry{}, err
		}
	}
	if _, err := a.s.Put(ctx, recKey, bytes.NewReader(recJSON), int64(len(recJSON))); errors.Is(err, store.ErrExist) {
		// Another worker completed the same page meanwhile.
		return a.duplicate(ctx, id)
	} else if err != nil {
		return Entry{}, fmt.Errorf("archive %s: %w", recKey, err)
	}
	a.log.Info("archived", "document_id", id, "objects", len(keys), "original_kept", meta.Original != "")
	return Entry{DocumentID: id, Keys: keys, ArchivedAt: meta.ArchivedAt}, nil
}

func (p *Page) check() error {
	id := p.Record.DocumentID
	if !ValidID(id) {
		return fmt.Errorf("%w: document id %q is not of the form forms.DocumentID gives", ErrInvalidPage, id)
	}
	if p.Record.Source.SHA256 == "" {
		return fmt.Errorf("%w: %s: the record has no source sha256", ErrInvalidPage, id)
	}
	rt, t := p.Record.Template, p.Template
	switch {
	case rt != nil && t == nil:
		return fmt.Errorf("%w: %s: the record names form %s@%d but no template was given, so its PIN boxes could not be blacked out", ErrInvalidPage, id, rt.ID, rt.Revision)
	case rt == nil && t != nil:
		return fmt.Errorf("%w: %s: a template (%s) was given for a record of an unknown form", ErrInvalidPage, id, t.Key())
	case rt != nil && (rt.ID != t.ID || rt.Revision != t.Revision):
		return fmt.Errorf("%w: %s: the record names form %s@%d, the template is %s", ErrInvalidPage, id, rt.ID, rt.Revision, t.Key())
	}
	if t != nil {
		for _, f := range t.Fields {
			if f.Kind != templates.PIN {
				continue
			}
			// A PIN field's value is the number of filled cells. Anything
			// else could be the PIN itself, which must never be written.
			switch p.Record.Fields[f.ID].Value.(type) {
			case nil, int, float64, json.Number:
			default:
				return fmt.Errorf("%w: %s: PIN field %s holds a %T, not a count of filled cells", ErrInvalidPage, id, f.ID, p.Record.Fields[f.ID].Value)
			}
		}
	}
	if p.Image != nil && p.Image.Bounds().Empty() {
		return fmt.Errorf("%w: %s: the page image is empty", ErrInvalidPage, id)
	}
	if p.Original != nil && forms.FileSHA256(p.Original) != p.Record.Source.SHA256 {
		// The original is stored under its hash: a wrong one would file it
		// where another document's scan belongs.
		return fmt.Errorf("%w: %s: the original's sha256 is not the record's source sha256", ErrInvalidPage, id)
	}
	return nil
}

// putOnce writes a write-once object; an object already there was written
// by an earlier Put of the same page, whose content addresses make it the
// same object, so it counts as written.
func (a *Archive) putOnce(ctx context.Context, key string, data []byte) error {
	_, err := a.s.Put(ctx, key, bytes.NewReader(data), int64(len(data)))
	if errors.Is(err, store.ErrExist) {
		a.log.Debug("archive: object already written", "key", key)
		return nil
	}
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	return nil
}

// putPart writes one object of an entry. An unfinished entry being
// completed may need an object this Put was not given (an earlier Put had
// the page image, this one not): if it is not already there, the entry
// cannot be completed without it.
func (a *Archive) putPart(ctx context.Context, key string, data []byte, what string) error {
	if data != nil {
		return a.putOnce(ctx, key, data)
	}
	if _, err := a.s.Stat(ctx, key); errors.Is(err, store.ErrNotExist) {
		return fmt.Errorf("%w: %s: an earlier, unfinished Put of this page archived its %s; give it again to complete the entry", ErrInvalidPage, key, what)
	} else if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	return nil
}

// entryKeys lists an entry's objects in the order Put writes them; names
// are the name index objects.
func entryKeys(rec forms.Record, m entryMeta, names []string) []string {
	id := rec.DocumentID
	keys := []string{docKey(id, entryName)}
	if m.Page {
		keys = append(keys, docKey(id, pageName))
	}
	if m.Original != "" {
		keys = append(keys, m.Original)
	}
	if rec.Case != nil && rec.Case.ID != "" {
		keys = append(keys, indexKey(indexCase, rec.Case.ID, id))
	}
	keys = append(keys, indexKey(indexDate, m.ArchivedAt.Format(dayLayout), id))
	keys = append(keys, indexKey(indexForm, formOf(rec), id))
	if rec.Status != "" {
		keys = append(keys, indexKey(indexStatus, string(rec.Status), id))
	}
	if rec.Status == forms.NeedsReview {
		keys = append(keys, indexKey(indexReview, m.ArchivedAt.UTC().Format(queueStamp), id))
	}
	if m.Station != "" {
		keys = append(keys, indexKey(indexStation, m.Station, id))
	}
	keys = append(keys, names...)
	return append(keys, docKey(id, recordName))
}

func isIndexKey(k string) bool { return strings.HasPrefix(k, indexPrefix) }

func formOf(rec forms.Record) string {
	if rec.Template == nil || rec.Template.ID == "" {
		return UnknownForm
	}
	return rec.Template.ID
}

// duplicate describes an existing, complete entry.
func (a *Archive) duplicate(ctx context.Context, id string) (Entry, error) {
	rec, err := a.record(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	meta, err := a.meta(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	a.log.Info("archive: already archived (same file scanned again)", "document_id", id)
	return Entry{DocumentID: id, Keys: entryKeys(rec, meta, a.nameIndexKeys(rec)), Duplicate: true, ArchivedAt: meta.ArchivedAt}, nil
}

func (a *Archive) meta(ctx context.Context, id string) (entryMeta, error) {
	return readJSON[entryMeta](ctx, a, id, entryName)
}

func (a *Archive) record(ctx context.Context, id string) (forms.Record, error) {
	return readJSON[forms.Record](ctx, a, id, recordName)
}

// readJSON reads document id's small JSON object name into a T.
func readJSON[T any](ctx context.Context, a *Archive, id, name string) (T, error) {
	var v T
	data, err := a.read(ctx, docKey(id, name), maxSmallObject)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return v, fmt.Errorf("archive %s: %s: %w", id, name, err)
	}
	return v, nil
}

// Read limits: a record or an audit entry is a few kilobytes, a page PDF
// a few megabytes at most; anything far larger is not ours.
const (
	maxSmallObject = 4 << 20
	maxPDF         = 256 << 20
)

func (a *Archive) read(ctx context.Context, key string, limit int64) ([]byte, error) {
	rc, err := a.s.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	defer rc.Close()
	data, err := store.ReadAllLimit(rc, limit)
	if err != nil {
		return nil, fmt.Errorf("archive: read %s: %w", key, err)
	}
	return data, nil
}

// Has reports whether page id has a complete entry. It reads no record,
// so it is not a read of personal data and is not audited.
func (a *Archive) Has(ctx context.Context, id string) (bool, error) {
	if !ValidID(id) {
		return false, fmt.Errorf("%w: %q", ErrInvalidID, id)
	}
	_, err := a.s.Stat(ctx, docKey(id, recordName))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, store.ErrNotExist):
		return false, nil
	}
	return false, fmt.Errorf("archive %s: %w", id, err)
}
