package decode_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"shinsei/internal/faxtiff"
	"shinsei/internal/pdfout"
	"shinsei/pipeline/decode"
)

// noise is a gray image that does not compress away, so that cutting its
// file short really cuts into the pixels.
func noise(w, h int, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, 1))
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = uint8(rng.IntN(256))
	}
	return g
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// goodPDF is a PDF from the project's own writer, one gray page per image.
func goodPDF(t testing.TB, imgs ...*image.Gray) []byte {
	t.Helper()
	var pages []pdfout.Page
	for _, g := range imgs {
		pages = append(pages, pdfout.Page{Image: g, WidthMM: float64(g.Rect.Dx()) / 300 * 25.4, HeightMM: float64(g.Rect.Dy()) / 300 * 25.4})
	}
	var b bytes.Buffer
	if err := pdfout.Write(&b, pages); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encryptPDF(t testing.TB, pdf []byte, userPW string) []byte {
	t.Helper()
	// Built by hand: model.NewDefaultConfiguration would write a config
	// file into the home directory.
	conf := &model.Configuration{
		Version:          model.VersionStr,
		Reader15:         true,
		ValidationMode:   model.ValidationRelaxed,
		Eol:              types.EolLF,
		EncryptUsingAES:  true,
		EncryptKeyLength: 256,
		Permissions:      model.PermissionsPrint,
		Offline:          true,
		Limits:           model.DefaultResourceLimits(),
		UserPW:           userPW,
		OwnerPW:          "owner-secret",
	}
	var b bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(pdf), &b, conf); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBadInput feeds every kind of bad file a counter sees and checks the
// message the clerk gets: file, page where one applies, problem and advice,
// in Japanese, then English (issue 15, point 9).
func TestBadInput(t *testing.T) {
	pngData := encodePNG(t, noise(200, 100, 1))
	jpegData := encodeJPEG(t, noise(200, 100, 2), 90)
	textOnly := buildPDF(pdfPage{
		content:   "BT /F1 12 Tf 72 720 Td (Application form) Tj ET",
		resources: "<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>",
	})
	jbig2 := buildPDF(pdfPage{images: []pdfImage{{
		dict: "/Width 64 /Height 32 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /JBIG2Decode",
		data: []byte("\x00\x00\x00\x00\x30\x00\x01\x00\x00\x00\x13not really jbig2"),
	}}})
	jpx := buildPDF(pdfPage{images: []pdfImage{{
		dict: "/Width 64 /Height 32 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /JPXDecode",
		data: []byte("\x00\x00\x00\x0cjP  \r\n\x87\nnot really jpeg 2000"),
	}}})
	bombPDF := buildPDF(pdfPage{
		images:   []pdfImage{{dict: "/Width 100000 /Height 100000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", data: zlibBytes(make([]byte, 4096))}},
		mediaBox: "0 0 595 842",
	})
	shortPDF := buildPDF(pdfPage{images: []pdfImage{{
		dict: "/Width 10 /Height 10 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
		data: zlibBytes(make([]byte, 35)),
	}}})
	badJPEGPDF := func() []byte {
		im := jpegImage(t, noise(40, 30, 3))
		im.data[0], im.data[1] = 0, 0 // no SOI marker
		return buildPDF(pdfPage{images: []pdfImage{im}})
	}()
	tiffJPEG := writeTIFF([]tiffPage{{img: noise(16, 16, 4), compression: 7, data: []byte("\xff\xd8\xff\xd9")}})
	faxG3_2D := buildPDF(pdfPage{images: []pdfImage{{
		dict: "/Width 32 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K 4 /Columns 32 /Rows 8 >>",
		data: []byte{0, 1, 2, 3},
	}}})
	threePages := goodPDF(t, noise(8, 8, 5), noise(8, 8, 6), noise(8, 8, 7))
	g3TwoD, err := faxtiff.Write(context.Background(), t.TempDir(), formImage(200, 60), 200, faxtiff.Variant{Compression: "g3:2d"})
	if err != nil {
		t.Fatal(err)
	}

	const (
		resend = "copy the file from the scanner again, or scan the form again"
		rescan = "scan the page again"
	)
	// Each case: the file, where it fails, the exact English message and a
	// piece of the Japanese. The advice fits the cause: a file too big is
	// split or scanned leaner, a page scanned too finely is scanned at
	// 300 dpi, a page too big at 300 dpi is scanned on its own at A4.
	for _, tc := range []struct {
		name string
		data []byte
		lim  decode.Limits
		kind error
		page int // 0: Decode itself fails; n: page n fails
		msg  string
		ja   string
	}{
		{"scan-0001.pdf", nil, decode.Limits{}, decode.ErrEmpty, 0,
			"scan-0001.pdf: the file is empty (0 bytes) — scan the form again",
			"ファイルが空です（0バイト）。様式をもう一度スキャンしてください"},
		{"scan-0002.pdf", make([]byte, 4096), decode.Limits{}, decode.ErrEmpty, 0,
			"scan-0002.pdf: the file holds no data (4096 zero bytes; the copy from the scanner did not finish) — " + resend,
			"スキャナーからのコピーが終わっていません"},
		{"scan-0003.png", pngData[:len(pngData)*6/10], decode.Limits{}, decode.ErrTruncated, 1,
			"scan-0003.png page 1: the PNG image is cut short (the file is incomplete) — " + resend,
			"PNG画像が途中で切れています"},
		{"scan-0004.jpg", jpegData[:len(jpegData)*6/10], decode.Limits{}, decode.ErrTruncated, 1,
			"scan-0004.jpg page 1: the JPEG image is cut short (the file is incomplete) — " + resend,
			"JPEG画像が途中で切れています"},
		{"scan-0005.pdf", textOnly, decode.Limits{}, decode.ErrNoImage, 1,
			"scan-0005.pdf page 1: the page has no scanned image (it may be a text-only PDF) — scan the paper form instead",
			"ページにスキャン画像がありません"},
		{"scan-0006.pdf", encryptPDF(t, goodPDF(t, noise(8, 8, 8)), "secret"), decode.Limits{}, decode.ErrEncrypted, 0,
			"scan-0006.pdf: the PDF is protected with a password (encrypted) — save the PDF without a password (or turn off the scanner's PDF encryption) and send it again",
			"パスワードで保護"},
		// JBIG2, JPEG 2000 and 2-D G3 are drawn by the renderer, which
		// reports these streams as damaged (TestRendererPath reads real ones).
		{"scan-0007.pdf", jbig2, decode.Limits{}, decode.ErrCorrupt, 1,
			"scan-0007.pdf page 1: the page image is damaged and cannot be read — " + rescan,
			"ページ画像が壊れていて読み取れません。もう一度スキャンしてください"},
		{"scan-0008.pdf", jpx, decode.Limits{}, decode.ErrCorrupt, 1,
			"scan-0008.pdf page 1: the page image is damaged and cannot be read — " + rescan,
			"ページ画像が壊れていて読み取れません"},
		{"scan-0009.png", pngWithHeader(100000, 100000), decode.Limits{}, decode.ErrTooLarge, 1,
			"scan-0009.png page 1: the image is 100000×100000 pixels (10000 megapixels), more than the 60-megapixel limit: at 300 dpi that is a sheet of 8467×8467 mm, far larger than the A4 form — scan the form on its own, A4 at 300 dpi",
			"300 dpiなら8467×8467 mmの大きさです"},
		{"scan-0010.pdf", []byte("Dear applicant,\nplease bring your My Number card.\n"), decode.Limits{}, decode.ErrUnknownFormat, 0,
			"scan-0010.pdf: the file is not a scan (PDF, TIFF, PNG or JPEG): its content looks like plain text, although its name ends in .pdf — send the file the scanner made (PDF, TIFF, PNG or JPEG), or scan the paper form again",
			"テキストのようです（名前は.pdfで終わっていますが）"},
		{"scan-0011.pdf", threePages[:len(threePages)/2], decode.Limits{}, decode.ErrTruncated, 0,
			"scan-0011.pdf: the PDF is cut short (it ends before its end marker) — " + resend,
			"PDFが途中で切れています"},
		{"scan-0012.pdf", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >>\nthis is not a PDF body\n%%EOF\n"), decode.Limits{}, decode.ErrCorrupt, 0,
			"scan-0012.pdf: the PDF is damaged and cannot be read — " + resend,
			"PDFが壊れていて読み取れません"},
		{"scan-0013.pdf", bombPDF, decode.Limits{}, decode.ErrTooLarge, 1,
			"scan-0013.pdf page 1: the image is 100000×100000 pixels (10000 megapixels), more than the 60-megapixel limit: at 300 dpi that is a sheet of 8467×8467 mm, far larger than the A4 form — scan the form on its own, A4 at 300 dpi",
			"上限は60メガピクセル"},
		{"scan-0014.pdf", shortPDF, decode.Limits{}, decode.ErrTruncated, 1,
			"scan-0014.pdf page 1: the page image is incomplete (3 of its 10 rows are present) — " + rescan,
			"10行のうち3行しかありません"},
		{"scan-0015.pdf", badJPEGPDF, decode.Limits{}, decode.ErrCorrupt, 1,
			"scan-0015.pdf page 1: the JPEG image is damaged and cannot be read — " + rescan,
			"JPEG画像が壊れていて読み取れません"},
		{"scan-0016.pdf", []byte("PK\x03\x04\x14\x00\x06\x00word/document.xml"), decode.Limits{}, decode.ErrUnknownFormat, 0,
			"scan-0016.pdf: the file is not a scan (PDF, TIFF, PNG or JPEG): its content looks like a ZIP archive (a Word, Excel or other office document, or several files packed together), although its name ends in .pdf — send the file the scanner made (PDF, TIFF, PNG or JPEG), or scan the paper form again",
			"ZIPファイル"},
		{"IMG_0017.jpg", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), decode.Limits{}, decode.ErrUnsupportedCodec, 0,
			"IMG_0017.jpg: the file is an HEIC/HEIF photo, which cannot be read — save or export it as PDF, TIFF, PNG or JPEG, or scan the paper form again",
			"HEIC/HEIF写真"},
		{"scan-0018.pdf", threePages, decode.Limits{MaxPages: 2}, decode.ErrTooLarge, 0,
			"scan-0018.pdf: the file has 3 pages, more than the limit of 2 — split the file into smaller files",
			"ページ数が3で、上限の2を超えています"},
		{"scan-0019.png", pngData, decode.Limits{MaxFileBytes: 1000}, decode.ErrTooLarge, 0,
			fmt.Sprintf("scan-0019.png: the file is %d KB, more than the 1 KB limit — split it into files of fewer pages, or scan in black and white or greyscale at 300 dpi or less", (len(pngData)+1023)/1024),
			"ファイルが大きすぎます"},
		{"scan-0020.tif", tiffJPEG, decode.Limits{}, decode.ErrUnsupportedCodec, 1,
			"scan-0020.tif page 1: the TIFF page is JPEG-compressed inside TIFF, which cannot be read — set the scanner to save TIFF with LZW, ZIP or G4 compression, or to save PDF or JPEG, and scan again",
			"JPEG圧縮のページは読み取れません"},
		{"scan-0021.pdf", faxG3_2D, decode.Limits{}, decode.ErrCorrupt, 1,
			"scan-0021.pdf page 1: the page image is damaged and cannot be read — " + rescan,
			"ページ画像が壊れていて読み取れません"},
		{"scan-0022.tif", []byte{0x13, 0x37, 0x00, 0x01, 0x80, 0x90, 0x02, 0x03, 0x04, 0x05, 0x06}, decode.Limits{}, decode.ErrUnknownFormat, 0,
			"scan-0022.tif: the file is not a scan (PDF, TIFF, PNG or JPEG): its content looks like unrecognised binary data, although its name ends in .tif — send the file the scanner made (PDF, TIFF, PNG or JPEG), or scan the paper form again",
			"判別できないバイナリデータ"},
		{"scan-0023.tif", g3TwoD, decode.Limits{}, decode.ErrUnsupportedCodec, 1,
			"scan-0023.tif page 1: the TIFF page uses two-dimensional Group 3 fax compression, which cannot be read — set the scanner to save TIFF with G4 compression, or to save PDF, and scan again",
			"二次元G3（ファクス）圧縮のTIFFページ"},
		// Too many pixels, three causes, three pieces of advice.
		{"scan-0024.tif", tiffWithHeader(9000, 9000, 300), decode.Limits{}, decode.ErrTooLarge, 1,
			"scan-0024.tif page 1: the image is 9000×9000 pixels (81 megapixels), more than the 60-megapixel limit: at 300 dpi that is a sheet of 762×762 mm, far larger than the A4 form — scan the form on its own, with the scan size set to A4",
			"300 dpiでは762×762 mmの大きさです"},
		{"scan-0025.tif", tiffWithHeader(9921, 14031, 1200), decode.Limits{}, decode.ErrTooLarge, 1,
			"scan-0025.tif page 1: the image is 9921×14031 pixels (139 megapixels), more than the 60-megapixel limit: it was scanned at 1200 dpi — scan it again at 300 dpi",
			"1200 dpiでスキャンされています。300 dpiでスキャンし直してください"},
		{"scan-0026.png", pngWithHeader(8000, 11314), decode.Limits{}, decode.ErrTooLarge, 1,
			"scan-0026.png page 1: the image is 8000×11314 pixels (91 megapixels), more than the 60-megapixel limit: if it is an A4 page, it was scanned at about 968 dpi — scan it again at 300 dpi",
			"A4なら約968 dpi"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := decode.Decode(context.Background(), tc.name, tc.data, tc.lim)
			if tc.page > 0 {
				if err != nil {
					t.Fatalf("Decode: %v, want a result for page %d", err, tc.page)
				}
				if len(rs) < tc.page {
					t.Fatalf("Decode: %d results, want page %d", len(rs), tc.page)
				}
				r := rs[tc.page-1]
				if r.Number != tc.page || r.Image != nil {
					t.Errorf("result: page %d, image %v; want page %d, no image", r.Number, r.Image != nil, tc.page)
				}
				err = r.Err
			} else if rs != nil {
				t.Errorf("Decode returned %d results with a file-level error", len(rs))
			}
			checkError(t, err, tc.kind, tc.msg, tc.name, tc.page)
			if !strings.Contains(err.Error(), tc.ja) {
				t.Errorf("message %q lacks %q", err.Error(), tc.ja)
			}
		})
	}
}

// checkError checks err's kind, its English half (msg: file, page where
// one applies, problem and advice) and that the message is Japanese, then
// English, as every record message is.
func checkError(t *testing.T, err, kind error, msg, file string, page int) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", msg)
	}
	if !errors.Is(err, kind) {
		t.Errorf("errors.Is(%v, %v) = false (cause: %v)", err, kind, cause(err))
	}
	var e *decode.Error
	if !errors.As(err, &e) {
		t.Fatalf("%T is not a *decode.Error", err)
	}
	if e.File != file || e.Page != page || e.Problem == "" || e.Advice == "" {
		t.Errorf("Error{File: %q, Page: %d, Problem: %q, Advice: %q}, want file %q page %d with problem and advice", e.File, e.Page, e.Problem, e.Advice, file, page)
	}
	where := file
	if page > 0 {
		where = fmt.Sprintf("%s page %d", file, page)
	}
	if en := where + ": " + e.Problem + " — " + e.Advice; en != msg {
		t.Errorf("message:\n got %s\nwant %s\n(cause: %v)", en, msg, cause(err))
	}
	checkBilingual(t, e)
}

// checkBilingual holds a message to the shape of every record message:
// "FILE page N: 問題。助言 / problem — advice", with Japanese on the left
// of " / " and none on the right.
func checkBilingual(t *testing.T, e *decode.Error) {
	t.Helper()
	for _, f := range []struct{ name, text string }{{"ProblemJA", e.ProblemJA}, {"AdviceJA", e.AdviceJA}} {
		if !hasJapanese(f.text) {
			t.Errorf("%s %q is not Japanese", f.name, f.text)
		}
		if strings.Contains(f.text, " / ") {
			t.Errorf("%s %q holds \" / \": the Japanese and English halves are mixed up", f.name, f.text)
		}
	}
	for _, f := range []struct{ name, text string }{{"Problem", e.Problem}, {"Advice", e.Advice}} {
		if hasJapanese(f.text) {
			t.Errorf("%s %q is not English", f.name, f.text)
		}
	}
	where := e.File
	if e.Page > 0 {
		where = fmt.Sprintf("%s page %d", e.File, e.Page)
	}
	if want := where + ": " + e.ProblemJA + "。" + e.AdviceJA + " / " + e.Problem + " — " + e.Advice; e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
}

func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}

// TestBombMemory shows the pixel check happens before decoding: a PNG that
// claims 100000×100000 gray pixels (10 GB) is refused at once, allocating
// almost nothing.
func TestBombMemory(t *testing.T) {
	data := pngWithHeader(100000, 100000)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	rs, err := decode.Decode(context.Background(), "bomb.png", data, decode.Limits{})
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if err != nil || len(rs) != 1 || !errors.Is(rs[0].Err, decode.ErrTooLarge) {
		t.Fatalf("Decode = %v, %v; want one page failing with ErrTooLarge", rs, err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("refused a 10 GB image in %v, allocating %d bytes", elapsed, alloc)
	if alloc > 2<<20 {
		t.Errorf("allocated %d bytes refusing a bomb, want under 2 MB", alloc)
	}
	if elapsed > time.Second {
		t.Errorf("took %v to refuse a bomb", elapsed)
	}
}

// TestOneBadPage: a bad page in a multi-page PDF costs that page only, and
// its error names it.
func TestOneBadPage(t *testing.T) {
	p1, p3 := noise(20, 10, 11), noise(20, 10, 13)
	t.Run("garbage flate data", func(t *testing.T) {
		bad := grayImage(noise(20, 10, 12))
		bad.data = []byte("this is not deflate data at all, not even close")
		data := buildPDF(pdfPage{images: []pdfImage{grayImage(p1)}}, pdfPage{images: []pdfImage{bad}}, pdfPage{images: []pdfImage{grayImage(p3)}})
		checkOneBadPage(t, "batch-0001.pdf", data, p1, p3, decode.ErrCorrupt,
			"batch-0001.pdf page 2: the page image is damaged (its compressed data cannot be read) — scan the page again")
	})
	t.Run("page without image", func(t *testing.T) {
		data := buildPDF(pdfPage{images: []pdfImage{grayImage(p1)}}, pdfPage{content: "0 0 m 100 100 l S", resources: "<< >>"}, pdfPage{images: []pdfImage{grayImage(p3)}})
		checkOneBadPage(t, "batch-0002.pdf", data, p1, p3, decode.ErrNoImage,
			"batch-0002.pdf page 2: the page has no scanned image (it may be a text-only PDF) — scan the paper form instead")
	})
	t.Run("damaged JPEG in the project's own PDF", func(t *testing.T) {
		// pdfout writes JPEG pages as they are; break the second one's SOI
		// marker in place so the file's structure stays intact.
		var pages []pdfout.Page
		for _, g := range []*image.Gray{p1, noise(20, 10, 12), p3} {
			pages = append(pages, pdfout.Page{JPEG: encodeJPEG(t, g, 100), WidthMM: 20, HeightMM: 10})
		}
		var b bytes.Buffer
		if err := pdfout.Write(&b, pages); err != nil {
			t.Fatal(err)
		}
		data := b.Bytes()
		soi := []byte{0xff, 0xd8, 0xff}
		first := bytes.Index(data, soi)
		second := first + 3 + bytes.Index(data[first+3:], soi)
		copy(data[second:], "\x00\x00")
		rs, err := decode.Decode(context.Background(), "batch-0003.pdf", data, decode.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 3 || rs[0].Err != nil || rs[2].Err != nil {
			t.Fatalf("results %+v, want pages 1 and 3 decoded", rs)
		}
		checkError(t, rs[1].Err, decode.ErrCorrupt, "batch-0003.pdf page 2: the JPEG image is damaged and cannot be read — scan the page again", "batch-0003.pdf", 2)
	})
}

func checkOneBadPage(t *testing.T, name string, data []byte, p1, p3 *image.Gray, kind error, msg string) {
	t.Helper()
	rs, err := decode.Decode(context.Background(), name, data, decode.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 {
		t.Fatalf("%d results, want 3", len(rs))
	}
	for i, want := range map[int]*image.Gray{0: p1, 2: p3} {
		if rs[i].Err != nil {
			t.Fatalf("page %d: %v", i+1, rs[i].Err)
		}
		if rs[i].Number != i+1 {
			t.Errorf("page %d numbered %d", i+1, rs[i].Number)
		}
		if d := sameGray(rs[i].Image, want, 0); d != "" {
			t.Errorf("page %d: %s", i+1, d)
		}
	}
	if rs[1].Number != 2 || rs[1].Image != nil {
		t.Errorf("bad page: number %d, image %v", rs[1].Number, rs[1].Image != nil)
	}
	checkError(t, rs[1].Err, kind, msg, name, 2)
}

// TestErrorNeverQuotesContent: whatever bytes a file holds, messages are
// made of this package's words.
func TestErrorNeverQuotesContent(t *testing.T) {
	secret := "山田太郎 1234-5678-9012"
	for _, data := range [][]byte{
		[]byte("%PDF-1.7\n" + secret + "\n%%EOF"),
		[]byte(secret),
		append([]byte("\x89PNG\r\n\x1a\n"), secret...),
	} {
		rs, err := decode.Decode(context.Background(), "x.pdf", data, decode.Limits{})
		if err == nil && len(rs) > 0 {
			err = rs[0].Err
		}
		if err == nil {
			t.Fatalf("%q decoded", data)
		}
		if strings.Contains(err.Error(), "山田") || strings.Contains(err.Error(), "1234") {
			t.Errorf("message quotes the file: %s", err)
		}
	}
}

func TestOwnerPasswordOnlyPDFDecodes(t *testing.T) {
	// Encrypted with an empty user password: every viewer opens it without
	// asking, so it is a readable scan.
	g := noise(16, 12, 21)
	p := decodeOne(t, "owner-only.pdf", encryptPDF(t, goodPDF(t, g), ""))
	if d := sameGray(p.Image, g, 0); d != "" {
		t.Error(d)
	}
}

func TestContext(t *testing.T) {
	data := goodPDF(t, noise(8, 8, 1), noise(8, 8, 2), noise(8, 8, 3))
	t.Run("cancelled before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		rs, err := decode.Decode(ctx, "a.pdf", data, decode.Limits{})
		if !errors.Is(err, context.Canceled) || rs != nil {
			t.Errorf("Decode = %d results, %v; want context.Canceled", len(rs), err)
		}
	})
	t.Run("cancelled between pages", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var seen []int
		err := decode.Walk(ctx, "a.pdf", data, decode.Limits{}, func(r decode.Result) error {
			seen = append(seen, r.Number)
			cancel()
			return nil
		})
		if !errors.Is(err, context.Canceled) || len(seen) != 1 {
			t.Errorf("Walk saw pages %v, returned %v; want page 1 then context.Canceled", seen, err)
		}
	})
	t.Run("fn stops the walk", func(t *testing.T) {
		stop := errors.New("stop")
		n := 0
		err := decode.Walk(context.Background(), "a.pdf", data, decode.Limits{}, func(decode.Result) error {
			n++
			return stop
		})
		if err != stop || n != 1 {
			t.Errorf("Walk = %v after %d pages, want stop after 1", err, n)
		}
	})
}

func TestFormatByContentNotName(t *testing.T) {
	g := noise(10, 6, 31)
	p := decodeOne(t, "really-a-png.pdf", encodePNG(t, g))
	if p.Source != "png" {
		t.Errorf("source %q, want png", p.Source)
	}
	if d := sameGray(p.Image, g, 0); d != "" {
		t.Error(d)
	}
	// Junk before the header is tolerated, as PDF readers do.
	p = decodeOne(t, "prefixed.pdf", append([]byte("Content-Type: application/pdf\r\n\r\n"), goodPDF(t, g)...))
	if d := sameGray(p.Image, g, 0); d != "" {
		t.Error(d)
	}
}
