package decode

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/image/ccitt"
)

// grayResult is a decoded PDF image and the codec it came from.
type grayResult struct {
	img    *image.Gray
	source string
}

func imageNewGray(w, h int) *image.Gray { return image.NewGray(image.Rect(0, 0, w, h)) }

// decodeImageXObject decodes one image XObject to gray.
//
// pdfcpu is used for the file structure and the general-purpose filters,
// not for pixels: its image extraction re-renders CCITT pages through a
// TIFF encode and decode, turns gray into RGBA, and cannot check an
// image's size before decoding it. Here every image's size is checked
// from its dictionary first, and each codec writes gray directly.
func decodeImageXObject(xt *model.XRefTable, sd *types.StreamDict, w, h int, lim Limits) (*grayResult, error) {
	filters := sd.FilterPipeline
	codec := ""
	pre := filters
	if n := len(filters); n > 0 {
		switch last := filters[n-1].Name; last {
		case filter.DCT, filter.CCITTFax, filter.JBIG2, filter.JPX:
			codec, pre = last, filters[:n-1]
		}
	}
	// Refuse what cannot be decoded here before spending anything on it;
	// pdfPage has such pages drawn by the renderer instead.
	switch codec {
	case filter.JBIG2:
		return nil, newProblem(ErrUnsupportedCodec, nil, "JBIG2圧縮のページ画像は読み取れません / the page image is JBIG2-compressed, which cannot be read", adviceScannerPDF)
	case filter.JPX:
		return nil, newProblem(ErrUnsupportedCodec, nil, "JPEG 2000（JPX）圧縮のページ画像は読み取れません / the page image is JPEG 2000 (JPX)-compressed, which cannot be read",
			"JPEG 2000ではなくJPEG画像のPDFとして書き出すか、スキャナーを通常のPDFで保存する設定にして、もう一度送ってください / export the PDF with JPEG images instead of JPEG 2000, or set the scanner to save ordinary PDF, and send it again")
	}
	for _, f := range pre {
		switch f.Name {
		case filter.Flate, filter.LZW, filter.RunLength, filter.ASCII85, filter.ASCIIHex:
		default:
			return nil, newProblem(ErrUnsupportedCodec, fmt.Errorf("filter %q", f.Name),
				"ページ画像が読み取れない圧縮方式で保存されています / the page image uses a compression method that cannot be read", adviceScannerPDF)
		}
	}
	if codec != filter.DCT { // a JPEG's own header gives its size, checked below
		if err := checkPixels(w, h, lim); err != nil {
			return nil, err
		}
	}

	mask := boolEntry(xt, sd.Dict, "ImageMask")
	bpc := intEntry(xt, sd.Dict, "BitsPerComponent", 8)
	if mask {
		bpc = 1
	}
	var cs colorSpace
	if mask {
		cs = colorSpace{kind: csGray, n: 1}
	} else if codec != filter.DCT {
		o, _ := sd.Dict.Find("ColorSpace")
		var err error
		if cs, err = parseColorSpace(xt, o, 0); err != nil {
			return nil, err
		}
	}
	dec := arrayNumbers(xt, sd.Dict, "Decode")

	// The limit for general-purpose filters in front of a codec: a
	// compressed JPEG or fax stream is smaller than the pixels it holds.
	preLimit := int64(w)*int64(h)*4 + 1<<20

	switch codec {
	case filter.DCT:
		data, err := unfilter(xt, sd.Raw, pre, -1, preLimit)
		if err != nil {
			return nil, err
		}
		g, err := decodeDCT(data, dec, lim)
		if err != nil {
			return nil, err
		}
		return &grayResult{g, "pdf/jpeg"}, nil
	case filter.CCITTFax:
		data, err := unfilter(xt, sd.Raw, pre, -1, preLimit)
		if err != nil {
			return nil, err
		}
		lut, err := sampleLUT(cs, 1, dec)
		if err != nil {
			return nil, err
		}
		g, err := decodeCCITT(xt, data, filters[len(filters)-1].DecodeParms, w, h, lut, lim)
		if err != nil {
			return nil, err
		}
		return &grayResult{g, "pdf/ccitt"}, nil
	}

	switch bpc {
	case 1, 2, 4, 8, 16:
	default:
		return nil, newProblem(ErrCorrupt, fmt.Errorf("BitsPerComponent %d", bpc), "ページ画像が壊れています（ビット深度が不正です） / the page image is damaged (its bit depth is invalid)", adviceRescan)
	}
	rowBytes := (w*cs.n*bpc + 7) / 8
	want := int64(rowBytes) * int64(h)
	data, err := unfilter(xt, sd.Raw, filters, want, want+1<<20)
	if err != nil {
		return nil, err
	}
	// A few bytes short is a sloppy writer; a missing row is lost content.
	if int64(len(data)) < want {
		if want-int64(len(data)) >= int64(rowBytes) {
			return nil, newProblem(ErrTruncated, nil,
				fmt.Sprintf("ページ画像が欠けています（%d行のうち%d行しかありません） / the page image is incomplete (%d of its %d rows are present)", h, int64(len(data))/int64(rowBytes), int64(len(data))/int64(rowBytes), h), adviceRescan)
		}
		data = append(data, make([]byte, want-int64(len(data)))...)
	}
	g, err := samplesToGray(data[:want], w, h, bpc, cs, dec)
	if err != nil {
		return nil, err
	}
	source := "pdf/raw"
	for _, f := range filters {
		switch f.Name {
		case filter.Flate:
			source = "pdf/flate"
		case filter.LZW:
			source = "pdf/lzw"
		case filter.RunLength:
			source = "pdf/runlength"
		}
	}
	return &grayResult{g, source}, nil
}

// unfilter undoes general-purpose filters. want ≥ 0 is the exact size the
// last filter must produce (the rest of its output is ignored, and a
// decompression bomb stops there); otherwise output is capped at limit.
func unfilter(xt *model.XRefTable, raw []byte, filters []types.PDFFilter, want, limit int64) ([]byte, error) {
	if len(filters) == 0 {
		// The result may become a page's pixels, which must not alias the
		// parsed file (an image drawn on two pages would share them).
		if want >= 0 && int64(len(raw)) > want {
			raw = raw[:want]
		}
		return bytes.Clone(raw), nil
	}
	data := raw
	for i, f := range filters {
		exact := i == len(filters)-1 && want >= 0
		pred := readPredictor(xt, f.DecodeParms)
		var err error
		switch f.Name {
		case filter.Flate:
			n := int64(-1)
			if exact {
				n = pred.encodedSize(want)
			}
			data, err = inflate(data, n, pred.encodedSize(limit))
		default:
			// pdfcpu's filters, minus the predictor, which is undone below
			// for LZW as for Flate (pdfcpu refuses LZW with a predictor).
			var fl filter.Filter
			fl, err = filter.NewFilter(f.Name, map[string]int{"EarlyChange": intEntry(xt, f.DecodeParms, "EarlyChange", 1)}, pred.encodedSize(limit))
			if err == nil {
				var r io.Reader
				if r, err = fl.Decode(bytes.NewReader(data)); err == nil {
					data, err = io.ReadAll(r)
				}
			}
			if errors.Is(err, filter.ErrDecodeLimitExceeded) {
				return nil, newProblem(ErrTooLarge, err, "ページ画像を展開すると大きさに見合わない量のデータになります（圧縮爆弾の疑い） / the page image expands to more data than its size allows (a decompression bomb?)", adviceRescan)
			}
		}
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, newProblem(ErrCorrupt, err, "ページ画像が壊れています（圧縮データが読めません） / the page image is damaged (its compressed data cannot be read)", adviceRescan)
		}
		if data, err = pred.undo(data); err != nil {
			return nil, err
		}
		if exact && int64(len(data)) > want {
			data = data[:want]
		}
	}
	return data, nil
}

// inflate decompresses a Flate stream. When want ≥ 0 it reads exactly that
// much and stops, so trailing garbage, a bad checksum or a bomb do not
// matter; a short stream returns what there is with io.ErrUnexpectedEOF.
func inflate(data []byte, want, limit int64) ([]byte, error) {
	var r io.Reader
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		// Some writers omit the zlib header.
		r = flate.NewReader(bytes.NewReader(data))
	} else {
		r = zr
	}
	if want >= 0 {
		// Deflate cannot expand more than 1032:1, so a stream claiming a
		// huge image cannot make this allocate more than it could fill.
		buf := make([]byte, min(want, 1032*int64(len(data))+1024))
		n, err := io.ReadFull(r, buf)
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return buf[:n], err
	}
	var b bytes.Buffer
	n, err := io.Copy(&b, io.LimitReader(r, limit+1))
	if err != nil {
		return b.Bytes(), err
	}
	if n > limit {
		return nil, newProblem(ErrTooLarge, nil, "ページ画像を展開すると大きさに見合わない量のデータになります（圧縮爆弾の疑い） / the page image expands to more data than its size allows (a decompression bomb?)", adviceRescan)
	}
	return b.Bytes(), nil
}

// decodeDCT decodes a JPEG page image. EXIF orientation inside it is
// ignored, as PDF viewers ignore it: the page shows what the PDF draws.
//
// A /Decode array is applied when it maps every component the same way
// ([1 0 …] inverts). For four-component (CMYK or Adobe YCCK) JPEGs the
// samples are first taken as PDF defines them, which is what libjpeg
// returns: image/jpeg follows the convention of stand-alone Adobe JPEG
// files instead and inverts every ink, so that is undone here. Photoshop
// and most PDF writers store such images uninverted without /Decode;
// those that store them Adobe-inverted add /Decode [1 0 1 0 1 0 1 0].
func decodeDCT(data []byte, dec []float64, lim Limits) (*image.Gray, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, imageProblem("jpeg", err, data)
	}
	if err := checkPixels(cfg.Width, cfg.Height, lim); err != nil {
		return nil, err
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, imageProblem("jpeg", err, data)
	}
	if c, ok := img.(*image.CMYK); ok {
		var lut [256]uint8
		for v := range lut {
			s := 255 - v // back to what the JPEG holds
			if len(dec) >= 2 && uniformDecode(dec) {
				s = int(unit8(dec[0] + float64(s)/255*(dec[1]-dec[0])))
			}
			lut[v] = uint8(s)
		}
		for i, v := range c.Pix {
			c.Pix[i] = lut[v]
		}
		return toGray(c), nil
	}
	g := toGray(img)
	if len(dec) >= 2 && uniformDecode(dec) && (dec[0] != 0 || dec[1] != 1) {
		var lut [256]uint8
		for v := range lut {
			lut[v] = unit8(dec[0] + float64(v)/255*(dec[1]-dec[0]))
		}
		for i, v := range g.Pix {
			g.Pix[i] = lut[v]
		}
	}
	return g, nil
}

func uniformDecode(dec []float64) bool {
	for i := 2; i+1 < len(dec); i += 2 {
		if dec[i] != dec[0] || dec[i+1] != dec[1] {
			return false
		}
	}
	return true
}

// unit8 maps [0,1] to a byte, clamping.
func unit8(v float64) uint8 {
	return uint8(math.Round(math.Max(0, math.Min(1, v)) * 255))
}

// decodeCCITT decodes a fax-compressed (CCITT G3/G4) page image straight
// from the stream with golang.org/x/image/ccitt. lut maps the filter's
// output bit (0 or 1, per BlackIs1) to gray through the colour space and
// /Decode array, as for any 1-bit image.
func decodeCCITT(xt *model.XRefTable, data []byte, parms types.Dict, w, h int, lut *[256]uint8, lim Limits) (*image.Gray, error) {
	k := intEntry(xt, parms, "K", 0)
	cols := intEntry(xt, parms, "Columns", 1728)
	blackIs1 := boolEntry(xt, parms, "BlackIs1")
	align := boolEntry(xt, parms, "EncodedByteAlign")
	if k > 0 {
		return nil, newProblem(ErrUnsupportedCodec, nil, "二次元G3（ファクス）圧縮のページ画像は読み取れません / the page image uses two-dimensional Group 3 fax compression, which cannot be read", adviceFaxG4)
	}
	if cols != w {
		return nil, newProblem(ErrCorrupt, fmt.Errorf("CCITT Columns %d, image Width %d", cols, w), "ページ画像が壊れています（ファクスデータが画像の大きさと合いません） / the page image is damaged (its fax data does not match its size)", adviceRescan)
	}
	sf := ccitt.Group4
	if k == 0 {
		sf = ccitt.Group3
	}
	// Rows, when given, is how many rows the data holds; the image keeps
	// its /Height, cut or padded with paper white if the two disagree.
	rows := intEntry(xt, parms, "Rows", h)
	if rows <= 0 {
		rows = h
	}
	if err := checkPixels(w, rows, lim); err != nil {
		return nil, err
	}
	g := imageNewGray(w, max(rows, h))
	g.Rect.Max.Y = rows // DecodeIntoGray decodes exactly the rows of its image
	r := &eofReader{r: bytes.NewReader(data)}
	if err := ccitt.DecodeIntoGray(g, r, ccitt.MSB, sf, &ccitt.Options{Align: align}); err != nil {
		// ccitt reports running out of data as "incomplete code" and
		// the like; whether the data ran out is the better explanation.
		if k == 0 && !boolEntry(xt, parms, "EndOfLine") {
			// x/image/ccitt reads Group 3 only with end-of-line codes,
			// which /EndOfLine false says this stream may lack.
			return nil, newProblem(ErrUnsupportedCodec, err, "行の区切りのないG3（ファクス）圧縮のページ画像は読み取れません / the page image uses Group 3 fax compression without line markers, which cannot be read", adviceFaxG4)
		}
		if r.eof || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, newProblem(ErrTruncated, err, "ページのファクス圧縮（CCITT）画像が途中で切れています / the page's fax-compressed (CCITT) image is cut short", adviceRescan)
		}
		return nil, newProblem(ErrCorrupt, err, "ページのファクス圧縮（CCITT）画像が壊れていて読み取れません / the page's fax-compressed (CCITT) image is damaged and cannot be read", adviceRescan)
	}
	// ccitt writes white as 0xff and black as 0. The filter's output bit is
	// 1 for white unless BlackIs1.
	white, black := lut[1], lut[0]
	if blackIs1 {
		white, black = lut[0], lut[1]
	}
	if white != 0xff || black != 0 {
		for i, v := range g.Pix[:w*rows] {
			if v == 0 {
				g.Pix[i] = black
			} else {
				g.Pix[i] = white
			}
		}
	}
	for i := w * rows; i < w*h; i++ {
		g.Pix[i] = 0xff
	}
	g.Pix, g.Rect.Max.Y = g.Pix[:w*h], h
	return g, nil
}

// eofReader remembers whether its reader ran dry.
type eofReader struct {
	r   io.Reader
	eof bool
}

func (e *eofReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		e.eof = true
	}
	return n, err
}
