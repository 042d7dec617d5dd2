package ocr

import (
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"io"
	"strconv"
	"strings"
)

// hOCR is how the pool gets words and symbols out of one recognition:
// gosseract's GetBoundingBoxes works at one level only and re-runs Recognize
// on every call, while Tesseract's hOCR, with hocr_char_boxes set, carries
// each word's box and confidence and, nested in it, each symbol's.
//
//	<span class='ocrx_word' title='bbox 37 34 140 85; x_wconf 96'>
//	 <span class='ocrx_cinfo' title='x_bboxes 37 34 82 85; x_conf 99.56'>山</span>
//	 ...
//	</span>

// parseHOCR returns the words in Tesseract's hOCR page, boxes shifted by off
// into the caller's image coordinates. Words without text are dropped.
func parseHOCR(doc string, off image.Point) ([]Word, error) {
	dec := xml.NewDecoder(strings.NewReader(doc))
	var (
		words   []Word
		word    *Word    // the word being read, if any
		sym     *Symbol  // the symbol being read, if any
		classes []string // class of each open element, to know what an end tag closes
		loose   strings.Builder
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return words, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading Tesseract's hOCR: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			class, title := attr(t, "class"), attr(t, "title")
			classes = append(classes, class)
			switch class {
			case "ocrx_word":
				box, conf, err := props(title, "bbox", "x_wconf", off)
				if err != nil {
					return nil, err
				}
				word = &Word{Box: box, Confidence: conf}
				loose.Reset()
			case "ocrx_cinfo":
				box, conf, err := props(title, "x_bboxes", "x_conf", off)
				if err != nil {
					return nil, err
				}
				sym = &Symbol{Box: box, Confidence: conf}
			}
		case xml.CharData:
			switch {
			case sym != nil:
				sym.Text += string(t)
			case word != nil:
				loose.Write(t)
			}
		case xml.EndElement:
			if len(classes) == 0 {
				return nil, fmt.Errorf("reading Tesseract's hOCR: unbalanced </%s>", t.Name.Local)
			}
			class := classes[len(classes)-1]
			classes = classes[:len(classes)-1]
			switch {
			case class == "ocrx_cinfo" && sym != nil && word != nil:
				word.Symbols = append(word.Symbols, *sym)
				word.Text += sym.Text
				sym = nil
			case class == "ocrx_word" && word != nil:
				if len(word.Symbols) == 0 { // hocr_char_boxes unset: the text is the span's own
					word.Text = strings.TrimSpace(loose.String())
				}
				if strings.TrimSpace(word.Text) != "" {
					words = append(words, *word)
				}
				word = nil
			}
		}
	}
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// props reads a box and a confidence from an hOCR title such as
// "bbox 37 34 140 85; x_wconf 96".
func props(title, boxKey, confKey string, off image.Point) (image.Rectangle, float64, error) {
	var (
		box             image.Rectangle
		conf            float64
		hasBox, hasConf bool
	)
	for part := range strings.SplitSeq(title, ";") {
		f := strings.Fields(part)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case boxKey:
			var c [4]int
			if len(f) != 5 {
				return box, 0, fmt.Errorf("reading Tesseract's hOCR: bad %q", part)
			}
			for i := range c {
				n, err := strconv.Atoi(f[i+1])
				if err != nil {
					return box, 0, fmt.Errorf("reading Tesseract's hOCR: %w", err)
				}
				c[i] = n
			}
			box, hasBox = image.Rect(c[0], c[1], c[2], c[3]).Add(off), true
		case confKey:
			if len(f) != 2 {
				return box, 0, fmt.Errorf("reading Tesseract's hOCR: bad %q", part)
			}
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return box, 0, fmt.Errorf("reading Tesseract's hOCR: %w", err)
			}
			conf, hasConf = confidence(v), true
		}
	}
	if !hasBox || !hasConf {
		return box, 0, fmt.Errorf("reading Tesseract's hOCR: title %q lacks %s or %s", title, boxKey, confKey)
	}
	return box, conf, nil
}
