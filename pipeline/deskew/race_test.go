//go:build race

package deskew

// The race detector slows pixel loops about tenfold, and scanfx's Standard
// damage (blur, noise, JPEG) most of all; under it the tests damage fewer
// of their skewed pages (make test runs with -race).
const raceEnabled = true
