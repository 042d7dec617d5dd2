package archive

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"

	"shinsei/forms"
)

// Names are searchable without becoming readable store keys: each name
// and reading on a page is indexed as archive/index/name/<hash>/<id>,
// the hash an HMAC-SHA-256 of the normalised name under a secret kept
// outside the store (Options.IndexKey). Someone who can list the store
// sees hashes, and cannot test a guessed name against them without the
// secret.

// ErrNoIndexKey: a name search, or archiving with names to index, without
// the index key configured.
var ErrNoIndexKey = errors.New("no name index key is configured (SHINSEI_INDEX_KEY or SHINSEI_INDEX_KEY_FILE)")

// MinIndexKeyLen is the shortest index key accepted, in bytes.
const MinIndexKeyLen = 32

// nameFields are the fields that hold a person's name or its reading.
func nameFields() []string {
	return []string{"applicant_name", "applicant_kana", "proxy_name", "proxy_kana"}
}

// nameTerms are the forms of a name that are indexed and looked up: the
// name with spacing and width folded (NFKC, no spaces), and, where it
// reads as kana, in katakana (a reading typed in hiragana finds the
// katakana written on the form).
func nameTerms(s string) []string {
	var out []string
	if c := forms.CompactText(s); c != "" {
		out = append(out, c)
	}
	if k, ok := forms.NormalizeKatakana(s); ok {
		if k = strings.ReplaceAll(k, " ", ""); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// recordNameTerms are every name term of a record's name fields.
func recordNameTerms(rec forms.Record) []string {
	var out []string
	for _, f := range nameFields() {
		s, ok := rec.Fields[f].Value.(string)
		if !ok {
			continue
		}
		for _, t := range nameTerms(s) {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// nameHash is the index value of one term: 128 bits of HMAC, hex.
func nameHash(key []byte, term string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("shinsei name index v1\x00"))
	m.Write([]byte(term))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// nameIndexKeys are the name index objects of a record.
func (a *Archive) nameIndexKeys(rec forms.Record) []string {
	if a.indexKey == nil {
		return nil
	}
	var keys []string
	for _, t := range recordNameTerms(rec) {
		keys = append(keys, indexKey(indexName, nameHash(a.indexKey, t), rec.DocumentID))
	}
	return keys
}

// hasName reports whether a record holds the name q (in any of its forms).
func hasName(rec forms.Record, q string) bool {
	have := recordNameTerms(rec)
	return slices.ContainsFunc(nameTerms(q), func(t string) bool { return slices.Contains(have, t) })
}
