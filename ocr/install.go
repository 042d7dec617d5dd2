// Package ocr is shinsei's link to Tesseract (through gosseract). It knows
// nothing of forms: it is given image zones and says what text it sees and
// how sure it is.
package ocr

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/otiai10/gosseract/v2"
)

// Version is the version of the Tesseract library shinsei is linked with.
func Version() string { return gosseract.Version() }

// processWide guards what Tesseract and gosseract keep once per process,
// not per client: GetAvailableLanguages starts a shared static Tesseract
// object (two calls at once crash in C: seen when two scans started
// together in one process), and a client's initialisation points file
// descriptor 2 at /dev/null for a moment (two at once can leave it there).
// The state it guards is global in C, so the lock must be too.
var processWide sync.Mutex

// Languages lists the traineddata files Tesseract can load, sorted.
func Languages() ([]string, error) {
	processWide.Lock()
	langs, err := gosseract.GetAvailableLanguages()
	processWide.Unlock()
	if err != nil {
		return nil, fmt.Errorf("listing Tesseract languages: %w", err)
	}
	slices.Sort(langs)
	return langs, nil
}

// Required are the languages shinsei reads with: jpn for names, addresses
// and dates, eng for digit-only fields.
func Required() []string { return []string{"eng", "jpn"} }

// CheckInstall returns an error that says which Debian packages to install
// when a required language is missing.
func CheckInstall() error {
	have, err := Languages()
	if err != nil {
		return err
	}
	var missing []string
	for _, l := range Required() {
		if !slices.Contains(have, l) {
			missing = append(missing, "tesseract-ocr-"+l)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("Tesseract %s lacks language data: install %s (scripts/setup.sh does)", Version(), strings.Join(missing, ", "))
	}
	return nil
}

// ThreadLimitSet reports whether OMP_THREAD_LIMIT=1 is in the environment.
// libtesseract is linked with libgomp, which reads the variable once, when
// the library is loaded, before any Go code runs; so it cannot be set from
// Go, and the command re-execs itself with it set. Without it every
// recognition starts OpenMP threads that compete with the pool's other
// clients for the CPUs, which makes a busy pool slower, not faster.
func ThreadLimitSet() bool { return os.Getenv("OMP_THREAD_LIMIT") == "1" }
