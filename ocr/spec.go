package ocr

import (
	"fmt"
	"image"
	"slices"
	"strings"
)

// Mode is a Tesseract page-segmentation mode.
type Mode int

// The modes shinsei reads zones with; the values are Tesseract's PSM numbers.
// The zero Mode is read as SingleLine: PSM 0 (orientation detection only)
// recognises nothing, so it is never what a caller means.
const (
	SingleBlock Mode = 6  // PSM_SINGLE_BLOCK: a uniform block of lines, e.g. a two-line address
	SingleLine  Mode = 7  // PSM_SINGLE_LINE
	SingleWord  Mode = 8  // PSM_SINGLE_WORD
	SingleChar  Mode = 10 // PSM_SINGLE_CHAR; with the LSTM engine Tesseract 5 reads it like SingleLine
	RawLine     Mode = 13 // PSM_RAW_LINE: one line, bypassing Tesseract's line-finding hacks
)

// Spec says how to read one zone.
type Spec struct {
	Lang      string // "jpn", "eng" (or "jpn+eng"), or Handwriting (bundled; not mixed with the others)
	Whitelist string // characters allowed; "" = any
	Mode      Mode   // zero means SingleLine
}

// normalized returns spec with defaults filled in, or an error if Tesseract
// could not act on it.
func (s Spec) normalized() (Spec, error) {
	if s.Lang == "" {
		return s, fmt.Errorf("ocr: spec has no language")
	}
	// A bundled model loads from its own folder, so it cannot be combined
	// with Tesseract's own ("jpn_hand+eng"); a lone language is one folder.
	if strings.Contains(s.Lang, "+") {
		langs := strings.Split(s.Lang, "+")
		if n := len(slices.DeleteFunc(slices.Clone(langs), isBundled)); n > 0 && n < len(langs) {
			return s, fmt.Errorf("ocr: spec %q mixes a bundled model with Tesseract's own; Tesseract loads them from one folder", s.Lang)
		}
	}
	if s.Mode == 0 {
		s.Mode = SingleLine
	}
	// Modes below 3 do orientation detection or layout only; above 13 there are none.
	if s.Mode < 3 || s.Mode > 13 {
		return s, fmt.Errorf("ocr: page segmentation mode %d does not recognise text", s.Mode)
	}
	return s, nil
}

// Symbol is one recognised character with Tesseract's confidence mapped to [0,1].
type Symbol struct {
	Text       string
	Confidence float64
	Box        image.Rectangle // in the coordinates of the image given to Recognize
}

// Word is a word as Tesseract segments it (in Japanese often a single
// character, or the characters between two gaps), with its confidence mapped
// to [0,1]. Tesseract's word confidence is not derived from its symbols' and is
// usually lower.
type Word struct {
	Text       string
	Confidence float64
	Box        image.Rectangle // in the coordinates of the image given to Recognize
	Symbols    []Symbol
}

// Result is what Tesseract saw in one zone.
type Result struct {
	Text  string // words joined by single spaces, trimmed
	Words []Word
}

// MinConfidence is the lowest word confidence, 0 when there are no words: a
// zone is as doubtful as its worst word.
func (r Result) MinConfidence() float64 {
	if len(r.Words) == 0 {
		return 0
	}
	low := r.Words[0].Confidence
	for _, w := range r.Words[1:] {
		low = min(low, w.Confidence)
	}
	return low
}

// MeanConfidence is the mean word confidence, 0 when there are no words.
func (r Result) MeanConfidence() float64 {
	if len(r.Words) == 0 {
		return 0
	}
	var sum float64
	for _, w := range r.Words {
		sum += w.Confidence
	}
	return sum / float64(len(r.Words))
}

// confidence maps Tesseract's 0–100 to [0,1].
func confidence(tess float64) float64 {
	return min(max(tess/100, 0), 1)
}
