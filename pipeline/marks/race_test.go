//go:build race

package marks

// The race detector slows pixel loops about tenfold; corpus tests then
// look at fewer generated pages (make test runs with -race).
const raceEnabled = true
