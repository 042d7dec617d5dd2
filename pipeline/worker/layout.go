package worker

import (
	"encoding/json"
	"path"
	"strconv"
	"strings"
	"time"

	"shinsei/pipeline/watch"
	"shinsei/store"
)

// Prefixes of the store the worker writes under (docs/store.md, "The
// inbox"). The inbox itself is Options.Inbox.
const (
	// DonePrefix holds one marker per inbox object version dealt with:
	// DonePrefix + NAME + "/" + VERSION + ".json".
	DonePrefix = "queue/done/"
	// QuarantinePrefix holds copies of files that cannot be read, each
	// with its why.txt: QuarantinePrefix + VERSION + "/" + NAME.
	QuarantinePrefix = "quarantine/"
	// WhySuffix ends a quarantined file's note.
	WhySuffix = ".why.txt"
)

// Outcomes a marker records.
const (
	OutcomeDone        = "done"
	OutcomeQuarantined = "quarantined"
)

// Marker is the write-once object that says an inbox object (one version
// of it) is finished with: every page archived, or the file quarantined.
// Its presence is what the worker and the reconciler look at; the inbox
// object is never changed or deleted.
type Marker struct {
	// Key is the inbox object's key in the store.
	Key string `json:"key"`
	// Version is its ETag (see version).
	Version string `json:"version"`
	SHA256  string `json:"sha256,omitempty"`
	Outcome string `json:"outcome"`
	// Documents are the archived pages' document ids.
	Documents []string `json:"documents,omitempty"`
	// Quarantine is the key of the quarantined copy.
	Quarantine string    `json:"quarantine,omitempty"`
	At         time.Time `json:"at"`
	// Worker names the process that finished it (host and pid).
	Worker string `json:"worker,omitempty"`
}

func (m Marker) encode() []byte {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		panic(err) // strings and times only
	}
	return append(data, '\n')
}

// doneKey is the marker of inbox object name (relative to the inbox) at
// version.
func doneKey(name, version string) string {
	return DonePrefix + name + "/" + version + ".json"
}

// quarantineKey is where a quarantined version of name is copied. The
// version keeps two different files of one name apart, and makes copying
// the same one again land on the same key.
func quarantineKey(name, version string) string {
	return QuarantinePrefix + version + "/" + name
}

// version names an object's content for markers: its ETag, or where the
// backend has none without reading (a local store), its size and time.
func version(info store.Info) string {
	if v := strings.Trim(info.Version, `"`); v != "" && store.CheckKey(v) == nil {
		return v
	}
	return info.ModTime.UTC().Format("20060102T150405.000000000Z") + "-" + strconv.FormatInt(info.Size, 10)
}

// candidate says whether an inbox object is a file to take: not hidden,
// not an upload or copy still under way by its name, as a watched folder
// judges names; and a valid store key.
func candidate(name string) bool {
	return watch.Candidate(path.Base(name)) && store.CheckKey(name) == nil
}
