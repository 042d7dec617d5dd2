package decode

import (
	"fmt"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// predictor is a Flate/LZW /DecodeParms prediction scheme.
type predictor struct {
	kind, colors, bpc, columns int
}

func readPredictor(xt *model.XRefTable, parms types.Dict) predictor {
	return predictor{
		kind:    intEntry(xt, parms, "Predictor", 1),
		colors:  max(1, intEntry(xt, parms, "Colors", 1)),
		bpc:     max(1, intEntry(xt, parms, "BitsPerComponent", 8)),
		columns: max(1, intEntry(xt, parms, "Columns", 1)),
	}
}

func (p predictor) rowBytes() int { return (p.colors*p.bpc*p.columns + 7) / 8 }

// encodedSize is how many bytes to decompress to get n predicted bytes:
// PNG predictors add a tag byte to every row.
func (p predictor) encodedSize(n int64) int64 {
	if p.kind < 10 || n < 0 {
		return n
	}
	rb := int64(p.rowBytes())
	return (n + rb - 1) / rb * (rb + 1)
}

func (p predictor) undo(data []byte) ([]byte, error) {
	switch {
	case p.kind <= 1:
		return data, nil
	case p.kind == 2:
		return p.undoTIFF(data)
	case p.kind >= 10:
		return p.undoPNG(data)
	}
	return nil, newProblem(ErrUnsupportedCodec, fmt.Errorf("predictor %d", p.kind), "ページ画像が読み取れない圧縮方式で保存されています / the page image uses a compression method that cannot be read", adviceScannerPDF)
}

// undoTIFF reverses TIFF predictor 2 (horizontal differencing) for 8-bit
// samples, the only depth writers use with it.
func (p predictor) undoTIFF(data []byte) ([]byte, error) {
	if p.bpc != 8 {
		return nil, newProblem(ErrUnsupportedCodec, fmt.Errorf("TIFF predictor with %d bits", p.bpc), "ページ画像が読み取れない圧縮方式で保存されています / the page image uses a compression method that cannot be read", adviceScannerPDF)
	}
	rb := p.rowBytes()
	for off := 0; off+rb <= len(data); off += rb {
		row := data[off : off+rb]
		for i := p.colors; i < len(row); i++ {
			row[i] += row[i-p.colors]
		}
	}
	return data, nil
}

// undoPNG reverses PNG row filters in place, compacting the rows over
// their tag bytes, so a page needs no second buffer.
func (p predictor) undoPNG(data []byte) ([]byte, error) {
	rb := p.rowBytes()
	bpp := max(1, p.colors*p.bpc/8)
	rows := len(data) / (rb + 1)
	var prev []byte
	for y := 0; y < rows; y++ {
		src := data[y*(rb+1) : (y+1)*(rb+1)]
		tag := src[0]
		row := data[y*rb : (y+1)*rb]
		copy(row, src[1:]) // moves left by y+1 bytes; prev stays intact
		switch tag {
		case 0:
		case 1:
			for i := bpp; i < rb; i++ {
				row[i] += row[i-bpp]
			}
		case 2:
			if prev != nil {
				for i := range row {
					row[i] += prev[i]
				}
			}
		case 3:
			for i := range row {
				var left, up int
				if i >= bpp {
					left = int(row[i-bpp])
				}
				if prev != nil {
					up = int(prev[i])
				}
				row[i] += byte((left + up) / 2)
			}
		case 4:
			for i := range row {
				var a, b, c int
				if i >= bpp {
					a = int(row[i-bpp])
				}
				if prev != nil {
					b = int(prev[i])
					if i >= bpp {
						c = int(prev[i-bpp])
					}
				}
				row[i] += paeth(a, b, c)
			}
		default:
			return nil, newProblem(ErrCorrupt, fmt.Errorf("PNG predictor tag %d", tag), "ページ画像が壊れています（圧縮データが読めません） / the page image is damaged (its compressed data cannot be read)", adviceRescan)
		}
		prev = row
	}
	return data[:rows*rb], nil
}

func paeth(a, b, c int) byte {
	p := a + b - c
	pa, pb, pc := abs(p-a), abs(p-b), abs(p-c)
	switch {
	case pa <= pb && pa <= pc:
		return byte(a)
	case pb <= pc:
		return byte(b)
	}
	return byte(c)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
