//go:build !race

package scangen_test

const raceEnabled = false
