package main

import (
	"fmt"
	"os"
	"strings"

	"shinsei/pipeline/archive"
)

// indexKey is the secret of the archive's name index: $SHINSEI_INDEX_KEY
// itself, or the contents of the file $SHINSEI_INDEX_KEY_FILE (a trailing
// newline dropped). It is kept outside the store, so that whoever can read
// the store cannot turn the index's hashes back into names. nil when
// neither is set: names are then not indexed, and not searchable.
func indexKey(e *env) ([]byte, error) {
	raw, file := e.getenv("SHINSEI_INDEX_KEY"), e.getenv("SHINSEI_INDEX_KEY_FILE")
	switch {
	case raw != "" && file != "":
		return nil, usageErrorf("SHINSEI_INDEX_KEY and SHINSEI_INDEX_KEY_FILE are both set: set one")
	case file != "":
		fi, err := os.Stat(file)
		if err != nil {
			return nil, fmt.Errorf("SHINSEI_INDEX_KEY_FILE: %w", err)
		}
		if fi.Mode().Perm()&0o007 != 0 {
			return nil, usageErrorf("SHINSEI_INDEX_KEY_FILE %s is readable by every user of the machine: chmod o-rwx it", file)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("SHINSEI_INDEX_KEY_FILE: %w", err)
		}
		raw = strings.TrimRight(string(data), "\r\n")
		if len(raw) < archive.MinIndexKeyLen {
			return nil, usageErrorf("SHINSEI_INDEX_KEY_FILE %s: the key is %d bytes, want at least %d (e.g. head -c 32 /dev/urandom | base64)", file, len(raw), archive.MinIndexKeyLen)
		}
	case raw != "":
		if len(raw) < archive.MinIndexKeyLen {
			return nil, usageErrorf("SHINSEI_INDEX_KEY is %d bytes, want at least %d (e.g. head -c 32 /dev/urandom | base64)", len(raw), archive.MinIndexKeyLen)
		}
	default:
		return nil, nil
	}
	return []byte(raw), nil
}
