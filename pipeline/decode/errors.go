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
// clerk at the scanning station: what is wrong and what to do about it.
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
	// Problem says what is wrong, in plain words ("the file is empty").
	Problem string
	// Advice says what the clerk should do ("scan the form again").
	Advice string
	// Cause is the underlying error, if any.
	Cause error
}

// Error reads like
//
//	scan-0012.pdf page 3: the page has no scanned image (it may be a text-only PDF) — scan the paper form instead
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Page > 0 {
		fmt.Fprintf(&b, " page %d", e.Page)
	}
	b.WriteString(": ")
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

// Advice shared by several problems.
const (
	adviceRescan      = "scan the page again"
	adviceRescanForm  = "scan the form again"
	adviceResend      = "copy the file from the scanner again, or scan the form again"
	adviceLowerDPI    = "scan at 300 dpi or less"
	adviceScannerPDF  = "set the scanner to save PDF with JPEG or G4 compression, or export the PDF with JPEG images, and send it again"
	adviceNoPassword  = "save the PDF without a password (or turn off the scanner's PDF encryption) and send it again"
	adviceSendScan    = "send the file the scanner made (PDF, TIFF, PNG or JPEG), or scan the paper form again"
	adviceNoImage     = "scan the paper form instead"
	adviceSplitPages  = "split the file into smaller files"
	adviceUnsupported = "set the scanner to save PDF, TIFF, PNG or JPEG with ordinary compression, and scan again"
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
	var p *problem
	if errors.As(err, &p) {
		return &Error{File: file, Page: page, Kind: p.kind, Problem: p.text, Advice: p.advice, Cause: p.cause}
	}
	return &Error{File: file, Page: page, Kind: ErrCorrupt, Problem: "the image is damaged and cannot be read", Advice: adviceRescan, Cause: err}
}
