//go:build !race

package marks

const raceEnabled = false
