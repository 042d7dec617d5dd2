//go:build race

package scangen_test

// The race detector slows the generator's pixel loops about tenfold; the
// corpus-wide tests then look at fewer documents (make test runs with -race).
const raceEnabled = true
