// Package paddletest opens the second recogniser for tests: from the
// .cache/onnx scripts/setup.sh installs (make test runs it first), failing
// the test, never skipping it, when the models are not there.
package paddletest

import (
	"os"
	"testing"

	"shinsei/ocr/paddle"
)

// Pool opens the models, closed when t ends.
func Pool(t testing.TB) *paddle.Recognizer {
	t.Helper()
	dir, err := paddle.Dir(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	p, err := paddle.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}
