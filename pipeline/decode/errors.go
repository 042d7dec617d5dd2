package decode

import (
	"errors"
	"fmt"
	"strings"
)

// Kinds of failure, for errors.Is. Every error Decode reports is an *Error
// wrapping exactly one of these, so a caller can decide what to do (reject
// the file, reject one page, alert IT) without parsing messages.
var (
	ErrEmpty            = errors.New("empty file")
	ErrTruncated        = errors.New("truncated file")
	ErrUnknownFormat    = errors.New("unknown file format")
	ErrEncrypted        = errors.New("encrypted PDF")
	ErrNoImage          = errors.New("no scanned image")
	ErrUnsupportedCodec = errors.New("unsupported compression")
	ErrTooLarge         = errors.New("too large")
	ErrCorrupt          = errors.New("corrupt file")
)

// Error is a failure to decode a file or one of its pages, worded for the
// clerk at the scanning station: what is wrong and what to do about it, in
// Japanese and in English.
//
// The message never quotes the file's bytes: scans hold personal data, and
// messages end up in logs and on screens. Cause, the underlying library
// error, may (a PDF parser's error can quote a token), so it is kept out of
// Error() and is meant for debugging only.
type Error struct {
	File string // the file's name as given to Decode
	Page int    // 1-based; 0 when the whole file is at fault
	// Kind is one of the Err* sentinels above.
	Kind error
	// Problem says what is wrong, in plain words ("the file is empty"),
	// and ProblemJA the same in Japanese.
	Problem, ProblemJA string
	// Advice says what the clerk should do ("scan the form again"), and
	// AdviceJA the same in Japanese.
	Advice, AdviceJA string
	// Cause is the underlying error, if any.
	Cause error
}

// Error reads like every record message, Japanese then English:
//
//	scan-0012.pdf page 3: ページにスキャン画像がありません（文字だけのPDFかもしれません）。紙の様式をスキャンしてください / the page has no scanned image (it may be a text-only PDF) — scan the paper form instead
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Page > 0 {
		fmt.Fprintf(&b, " page %d", e.Page)
	}
	b.WriteString(": ")
	b.WriteString(e.ProblemJA)
	if e.AdviceJA != "" {
		if !strings.HasSuffix(e.ProblemJA, "。") {
			b.WriteString("。")
		}
		b.WriteString(e.AdviceJA)
	}
	b.WriteString(" / ")
	b.WriteString(e.Problem)
	if e.Advice != "" {
		b.WriteString(" — ")
		b.WriteString(e.Advice)
	}
	return b.String()
}

// Unwrap exposes both the kind and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	errs := make([]error, 0, 2)
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Cause != nil {
		errs = append(errs, e.Cause)
	}
	return errs
}

// problem is an *Error before it knows which file and page it belongs to:
// the code that notices a problem deep inside a decoder rarely knows them,
// and the caller that does should not have to re-word the message.
//
// text and advice are each Japanese, " / ", then English, as record
// messages are written, so that the two are written side by side where the
// problem is noticed (TestMessagesBilingual holds every one to it).
type problem struct {
	kind   error
	text   string
	advice string
	cause  error
}

func (p *problem) Error() string {
	if p.cause != nil {
		return p.text + ": " + p.cause.Error()
	}
	return p.text
}

func (p *problem) Unwrap() []error {
	if p.cause == nil {
		return []error{p.kind}
	}
	return []error{p.kind, p.cause}
}

func newProblem(kind error, cause error, text, advice string) *problem {
	return &problem{kind: kind, text: text, advice: advice, cause: cause}
}

// splitJA splits "Japanese / English" at its first " / "; the English
// may hold one of its own, the Japanese never does.
func splitJA(s string) (ja, en string) {
	ja, en, ok := strings.Cut(s, " / ")
	if !ok {
		return s, s
	}
	return ja, en
}

// Advice shared by several problems.
const (
	adviceRescan      = "もう一度スキャンしてください / scan the page again"
	adviceRescanForm  = "様式をもう一度スキャンしてください / scan the form again"
	adviceResend      = "スキャナーからファイルをもう一度コピーするか、様式をスキャンし直してください / copy the file from the scanner again, or scan the form again"
	adviceScannerPDF  = "スキャナーを通常のPDF（JPEGまたはG4圧縮）で保存する設定にするか、JPEG画像のPDFとして書き出して、もう一度送ってください / set the scanner to save ordinary PDF (JPEG or G4 compression), or export the PDF with JPEG images, and send it again"
	adviceColour      = "スキャナーをカラーかグレーの通常のPDFで保存する設定にするか、PDFを書き出し直して、もう一度送ってください / set the scanner to save ordinary colour or greyscale PDF, or export the PDF again, and send it again"
	adviceNoPassword  = "パスワードなしでPDFを保存し直して（またはスキャナーのPDF暗号化を切って）、もう一度送ってください / save the PDF without a password (or turn off the scanner's PDF encryption) and send it again"
	adviceSendScan    = "スキャナーが作ったファイル（PDF・TIFF・PNG・JPEG）を送るか、紙の様式をスキャンし直してください / send the file the scanner made (PDF, TIFF, PNG or JPEG), or scan the paper form again"
	adviceNoImage     = "紙の様式をスキャンしてください / scan the paper form instead"
	adviceSplitPages  = "ページ数の少ないファイルに分けてください / split the file into smaller files"
	adviceSaveAs      = "PDF・TIFF・PNG・JPEGのどれかで保存し直すか、紙の様式をスキャンし直してください / save or export it as PDF, TIFF, PNG or JPEG, or scan the paper form again"
	adviceFaxG4       = "スキャナーをG4またはJPEG圧縮のPDFで保存する設定にして、スキャンし直してください / set the scanner to save PDF with G4 or JPEG compression, and scan again"
	adviceUnsupported = "スキャナーを通常の圧縮のPDF・TIFF・PNG・JPEGで保存する設定にして、スキャンし直してください / set the scanner to save PDF, TIFF, PNG or JPEG with ordinary compression, and scan again"
)

// toError attaches file and page to err. Errors that are already an
// *Error keep their wording; anything else (a bug, or a library error this
// package did not anticipate) becomes ErrCorrupt so the clerk still gets a
// message with advice, and the original stays reachable as Cause.
func toError(file string, page int, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	p := newProblem(ErrCorrupt, err, "画像が壊れていて読み取れません / the image is damaged and cannot be read", adviceRescan)
	var known *problem
	if errors.As(err, &known) {
		p = known
	}
	e = &Error{File: file, Page: page, Kind: p.kind, Cause: p.cause}
	e.ProblemJA, e.Problem = splitJA(p.text)
	e.AdviceJA, e.Advice = splitJA(p.advice)
	return e
}
