package decode

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
)

type format int

const (
	fmtUnknown format = iota
	fmtPDF
	fmtTIFF
	fmtPNG
	fmtJPEG
	fmtGIF
	fmtBMP
)

// sniff detects the format from the first bytes. The name is not
// consulted: a file's extension is whatever someone typed.
func sniff(b []byte) format {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return fmtPNG
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return fmtJPEG
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return fmtTIFF
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return fmtGIF
	case isBMP(b):
		return fmtBMP
	case isPDF(b):
		return fmtPDF
	}
	return fmtUnknown
}

// SingleImage reports whether data holds exactly one image, the one
// Decode reads, and nothing after it: a PNG without APNG frames, a JPEG
// without an embedded thumbnail or appended pictures, a GIF of one frame,
// a BMP as long as its header says. A PDF or TIFF may hold more pages
// than the one in hand, and a file with a second picture may hide one
// nobody read (an answer sheet behind an application), so whoever keeps
// an original for one page's sake keeps it only when this is true.
func SingleImage(data []byte) bool {
	return oneImage(data, sniff(data))
}

// isPDF accepts a header anywhere in the first KB, as PDF readers do:
// some producers (and mail gateways) put junk before it.
func isPDF(b []byte) bool {
	return bytes.Contains(b[:min(len(b), 1024)], []byte("%PDF-"))
}

// isBMP checks more than the two-byte magic, which plain text can start
// with ("BMW…").
func isBMP(b []byte) bool {
	if len(b) < 26 || b[0] != 'B' || b[1] != 'M' {
		return false
	}
	hdr := uint32(b[14]) | uint32(b[15])<<8 | uint32(b[16])<<16 | uint32(b[17])<<24
	return hdr == 12 || hdr == 40 || hdr == 52 || hdr == 56 || hdr == 64 || hdr == 108 || hdr == 124
}

// unknownFormat explains a file that is not a scan in terms of what it
// looks like, and points out an extension that lies about it.
func unknownFormat(name string, b []byte) error {
	what, known := describe(b)
	if known != "" {
		ja, en := splitJA(known)
		return newProblem(ErrUnsupportedCodec, nil,
			fmt.Sprintf("ファイルが%sで、読み取れません / the file is %s, which cannot be read", ja, en), adviceSaveAs)
	}
	ja, en := splitJA(what)
	var extJA, extEN string
	if ext := strings.ToLower(filepath.Ext(name)); isScanExt(ext) {
		extJA, extEN = "（名前は"+ext+"で終わっていますが）", ", although its name ends in "+ext
	}
	return newProblem(ErrUnknownFormat, nil,
		fmt.Sprintf("スキャンしたファイル（PDF・TIFF・PNG・JPEG）ではなく、%sのようです%s / the file is not a scan (PDF, TIFF, PNG or JPEG): its content looks like %s%s", ja, extJA, en, extEN),
		adviceSendScan)
}

func isScanExt(ext string) bool {
	switch ext {
	case ".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".jpe", ".gif", ".bmp":
		return true
	}
	return false
}

// describe names what b looks like, Japanese / English: known is set for
// image formats that are recognised but not supported, what for
// everything else.
func describe(b []byte) (what, known string) {
	head := b[:min(len(b), 4096)]
	lower := bytes.ToLower(bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n"))
	has := func(p string) bool { return bytes.HasPrefix(head, []byte(p)) }
	switch {
	case has("II+\x00"), has("MM\x00+"):
		return "", "BigTIFF画像 / a BigTIFF image"
	case len(head) >= 12 && has("RIFF") && string(head[8:12]) == "WEBP":
		return "", "WebP画像 / a WebP image"
	case len(head) >= 12 && string(head[4:8]) == "ftyp" && isHEIF(string(head[8:12])):
		return "", "HEIC/HEIF写真 / an HEIC/HEIF photo"
	case has("\x00\x00\x00\x0cjP  \r\n\x87\n"), has("\xff\x4f\xff\x51"):
		return "", "JPEG 2000画像 / a JPEG 2000 image"
	case has("\x97JB2\r\n\x1a\n"):
		return "", "JBIG2画像 / a JBIG2 image"
	case has("PK\x03\x04"):
		return "ZIPファイル（Word・Excelなどの文書、または複数のファイルをまとめたもの） / a ZIP archive (a Word, Excel or other office document, or several files packed together)", ""
	case has("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
		return "古い形式のMicrosoft Office文書 / an old-style Microsoft Office document", ""
	case has("{\\rtf"):
		return "リッチテキスト（RTF）文書 / a rich-text (RTF) document", ""
	case has("%!PS"):
		return "PostScriptの印刷ファイル / a PostScript print file", ""
	case bytes.HasPrefix(lower, []byte("<!doctype html")), bytes.HasPrefix(lower, []byte("<html")):
		return "ウェブページ（HTML） / a web page (HTML)", ""
	case bytes.HasPrefix(lower, []byte("<?xml")), bytes.HasPrefix(lower, []byte("<svg")):
		return "XML文書 / an XML document", ""
	case looksLikeText(head):
		return "テキスト / plain text", ""
	}
	return "判別できないバイナリデータ / unrecognised binary data", ""
}

func isHEIF(brand string) bool {
	switch brand {
	case "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1", "avif":
		return true
	}
	return false
}

// looksLikeText accepts UTF-8 and the legacy Japanese encodings (Shift_JIS,
// EUC-JP), whose bytes above 0x7f are not UTF-8: what matters is the
// absence of the control bytes binary data is full of.
func looksLikeText(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if bytes.HasPrefix(b, []byte("\xff\xfe")) || bytes.HasPrefix(b, []byte("\xfe\xff")) {
		return true // UTF-16 with a byte-order mark
	}
	ctrl := 0
	for _, c := range b {
		switch {
		case c == 0:
			return false
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b:
			ctrl++
		}
	}
	return ctrl*100 <= len(b)
}
