package archive

import (
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The store layout (docs/archive.md). Everything about one page lives under
// its document id, which is content-addressed: a rescan of the same file
// lands on the same keys and is recognised instead of stored twice.
const (
	docsPrefix      = "archive/docs/"
	originalsPrefix = "archive/originals/"
	indexPrefix     = "archive/index/"
	reviewsPrefix   = "archive/reviews/"

	pageName   = "page.pdf"
	recordName = "record.json"
	entryName  = "entry.json"
)

// Index kinds: archive/index/<kind>/<value>/<document_id>.
const (
	indexCase    = "case"
	indexDate    = "date"
	indexForm    = "form"
	indexStatus  = "status"
	indexStation = "station"
	// indexReview is the review queue: archive/index/review/<stamp>/<id>
	// for every page archived as needs_review, the stamp (queueStamp) its
	// archiving time, so listing it gives the queue oldest first.
	indexReview = "review"
	// indexReviewed marks each review of a page with the status it left:
	// archive/index/reviewed/<id>/<nnnn>-<status> (reviews.go).
	indexReviewed = "reviewed"
	// indexName holds names and kana by keyed hash (names.go).
	indexName = "name"
)

// queueStamp is the time in a review queue key: UTC and fixed width, so
// keys sort as the pages were archived.
const queueStamp = "20060102T150405.000000000Z"

// UnknownForm is the form index value of pages that are not a known form,
// so a person can list what is waiting to be classified.
const UnknownForm = "unknown"

// dayLayout names a day in keys: it sorts as the days do.
const dayLayout = "2006-01-02"

func docKey(id, name string) string { return docsPrefix + id + "/" + name }

func indexKey(kind, value, id string) string {
	return indexPrefix + kind + "/" + segment(value) + "/" + id
}

// indexDir is the prefix that lists every document with one index value;
// the trailing slash keeps case 12 from matching case 123.
func indexDir(kind, value string) string {
	return indexPrefix + kind + "/" + segment(value) + "/"
}

func originalKey(sha, name string) string {
	return originalsPrefix + sha + "/" + fileName(name)
}

// segment makes a value (a case id, a station name) one valid key segment,
// the same way every time so Search finds what Put wrote. Most values pass
// through unchanged — Japanese station names stay readable in a file
// manager — and only what a key cannot hold is percent-escaped: a slash
// would make two segments, a leading dot is refused by the store.
func segment(v string) string {
	var b strings.Builder
	for i, r := range v {
		switch {
		case r == utf8.RuneError:
			// An invalid byte, or a real U+FFFD, which CheckKey refuses too.
			n := 1
			if strings.HasPrefix(v[i:], string(utf8.RuneError)) {
				n = utf8.RuneLen(utf8.RuneError)
			}
			for _, c := range []byte(v[i : i+n]) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		case r == '%' || r == '/' || r == '\\' || unicode.IsControl(r) || (i == 0 && r == '.'):
			for _, c := range []byte(string(r)) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// maxNameLen bounds the original's file name in its key, far below the
// store's 1024 bytes, so a long scanner file name can never make the key
// invalid.
const maxNameLen = 200

// fileName is the last path element of a scanned file's name, made safe
// for a key segment, so an original keeps the name staff recognise (and
// its extension, so it opens in the right program).
func fileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ToValidUTF8(name, "_")
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return '_'
		}
		return r
	}, name)
	if strings.HasPrefix(name, ".") {
		name = "_" + name[1:]
	}
	if len(name) > maxNameLen {
		// Shorten the stem, not the extension the name is opened by.
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		cut := maxNameLen - len(ext)
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut] + ext
	}
	if name == "" {
		return "original"
	}
	return name
}

// ValidID reports whether id has the shape forms.DocumentID gives: hex
// digits of the file's SHA-256, "-p" and a page number. Ids come from
// users (shinsei archive get ID) and become keys, so anything else is
// refused before it reaches the store.
func ValidID(id string) bool {
	hexPart, page, ok := strings.Cut(id, "-p")
	if !ok || len(hexPart) == 0 || len(hexPart) > 64 || len(page) == 0 || len(page) > 9 || page[0] == '0' {
		return false
	}
	for _, c := range hexPart {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	for _, c := range page {
		if !('0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
