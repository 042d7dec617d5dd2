package ocr

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Handwriting is the language shinsei reads handwritten Japanese with:
// Tesseract's jpn fine-tuned on handwriting (scripts/train.sh). It ships
// inside the binary, so no install step can miss it.
const Handwriting = "jpn_hand"

//go:embed tessdata/*.traineddata
var bundled embed.FS

// Bundled lists the models shipped inside the binary, sorted.
func Bundled() []string {
	entries, _ := fs.ReadDir(bundled, "tessdata") // sorted by name
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".traineddata"))
	}
	return out
}

// isBundled reports whether lang is a model shipped in the binary.
func isBundled(lang string) bool {
	_, err := fs.Stat(bundled, "tessdata/"+lang+".traineddata")
	return err == nil
}

// bundledDir writes the bundled models where Tesseract can load them — it
// reads models only from files — and returns that folder. The folder is
// named by the models' content, so two versions of shinsei on one machine
// never load each other's, and a second start finds them written.
func bundledDir() (string, error) {
	entries, err := fs.ReadDir(bundled, "tessdata")
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, e := range entries {
		b, err := fs.ReadFile(bundled, "tessdata/"+e.Name())
		if err != nil {
			return "", err
		}
		h.Write([]byte(e.Name()))
		h.Write(b)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "shinsei", "tessdata-"+hex.EncodeToString(h.Sum(nil))[:16])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("ocr: making a folder for the bundled models: %w", err)
	}
	for _, e := range entries {
		dst := filepath.Join(dir, e.Name())
		b, _ := fs.ReadFile(bundled, "tessdata/"+e.Name())
		if st, err := os.Stat(dst); err == nil && st.Size() == int64(len(b)) {
			continue
		}
		// Written aside and renamed, so a process starting at the same time
		// never loads half a model.
		tmp, err := os.CreateTemp(dir, "."+e.Name()+".*")
		if err != nil {
			return "", fmt.Errorf("ocr: writing the bundled model %s: %w", e.Name(), err)
		}
		_, werr := tmp.Write(b)
		cerr := tmp.Close()
		if err := errors.Join(werr, cerr); err != nil {
			os.Remove(tmp.Name())
			return "", fmt.Errorf("ocr: writing the bundled model %s: %w", e.Name(), err)
		}
		if err := os.Rename(tmp.Name(), dst); err != nil {
			os.Remove(tmp.Name())
			return "", fmt.Errorf("ocr: writing the bundled model %s: %w", e.Name(), err)
		}
	}
	return dir, nil
}

// prefixFor is the tessdata folder a client reading lang must use: the
// bundled models' for a bundled language, Tesseract's own ("") otherwise.
// A spec mixing the two ("jpn_hand+eng") is refused by Spec.normalized.
func prefixFor(lang, dir string) string {
	if isBundled(strings.Split(lang, "+")[0]) {
		return dir
	}
	return ""
}
