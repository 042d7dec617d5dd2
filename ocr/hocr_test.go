package ocr

import (
	"image"
	"reflect"
	"testing"
)

func TestParseHOCR(t *testing.T) {
	off := image.Pt(100, 200)
	for _, tc := range []struct {
		name string
		doc  string
		want []Word
	}{
		{"empty page", ``, nil},
		{"words and symbols", `
  <div class='ocr_page' id='page_1' title='image "unknown"; bbox 0 0 297 119; ppageno 0; scan_res 300 300'>
   <p class='ocr_par' id='par_1_1' lang='jpn' title="bbox 37 33 262 86">
    <span class='ocr_line' id='line_1_1' title="bbox 37 33 262 86; baseline 0 -1; x_size 68.3">
     <span class='ocrx_word' id='word_1_1' title='bbox 37 34 140 85; x_wconf 96'>
      <span class='ocrx_cinfo' title='x_bboxes 37 34 82 85; x_conf 99.5'>山</span>
      <span class='ocrx_cinfo' title='x_bboxes 97 39 140 85; x_conf 50'>&amp;</span>
     </span>
     <span class='ocrx_word' id='word_1_2' title='bbox 163 33 262 86; x_wconf 0'>
      <span class='ocrx_cinfo' title='x_bboxes 163 34 203 85; x_conf 120'>&lt;</span>
     </span>
    </span>
   </p>
  </div>`, []Word{
			{Text: "山&", Confidence: 0.96, Box: image.Rect(137, 234, 240, 285), Symbols: []Symbol{
				{Text: "山", Confidence: 0.995, Box: image.Rect(137, 234, 182, 285)},
				{Text: "&", Confidence: 0.5, Box: image.Rect(197, 239, 240, 285)},
			}},
			{Text: "<", Confidence: 0, Box: image.Rect(263, 233, 362, 286), Symbols: []Symbol{
				{Text: "<", Confidence: 1, Box: image.Rect(263, 234, 303, 285)},
			}},
		}},
		{"word without symbols", `<span class='ocrx_word' title='bbox 0 0 10 10; x_wconf 50'> SO </span>`,
			[]Word{{Text: "SO", Confidence: 0.5, Box: image.Rect(100, 200, 110, 210)}}},
		{"word without text", `<span class='ocrx_word' title='bbox 0 0 10 10; x_wconf 50'> </span>`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseHOCR(tc.doc, off)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseHOCRRefusesBadTitles(t *testing.T) {
	for _, doc := range []string{
		`<span class='ocrx_word' title='bbox 0 0 10; x_wconf 50'>a</span>`,
		`<span class='ocrx_word' title='bbox 0 0 10 10'>a</span>`,
		`<span class='ocrx_word' title='bbox 0 0 10 10; x_wconf high'>a</span>`,
		`<span class='ocrx_word' title='bbox 0 0 10 10; x_wconf 5'><span class='ocrx_cinfo' title='x_conf 5'>a</span></span>`,
		`<span class='ocrx_word' title='bbox 0 0 10 10; x_wconf 5'>a`,
	} {
		if _, err := parseHOCR(doc, image.Point{}); err == nil {
			t.Errorf("%s: accepted", doc)
		}
	}
}
