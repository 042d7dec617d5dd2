//go:build !race

package deskew

const raceEnabled = false
