package templates

// Every shinsei form is A4 portrait and carries the same registration marks,
// so the page pipeline can find and straighten any of them before it knows
// which form it is. Changing these values changes every printed form: treat
// them as part of the paper contract.
const (
	PageWidthMM  = 210.0
	PageHeightMM = 297.0

	// Fiducials are solid black squares centred FiducialInsetMM from the two
	// nearest page edges (outside printers' 5 mm dead margin, inside any
	// sensible scan crop). The top-left one has a white square hole in its
	// centre, so a page turned by 90°, 180° or 270° can be put right.
	FiducialSizeMM  = 6.0
	FiducialInsetMM = 10.0
	FiducialHoleMM  = 2.6

	// The QR code (template, revision, case reference) sits at the top
	// right, under the top-right fiducial, with its own quiet zone inside
	// this box. Its modules are at least 0.4 mm, readable from a 150 dpi scan.
	QRXMM    = 172.0
	QRYMM    = 17.0
	QRSizeMM = 26.0
	// QRQuietModules is the quiet zone on each side, in modules: a symbol
	// of n modules a side fills the box in n+2*QRQuietModules equal steps,
	// which is where a reader finds each module when no detector can.
	QRQuietModules = 4

	// CanvasDPI is the resolution of the template canvas: scans are
	// registered onto it, and blank forms rendered at it for drop-out.
	CanvasDPI = 300.0
)

// PointMM is a position on the page in millimetres from its top-left corner.
type PointMM struct{ X, Y float64 }

// Corner names the four fiducials in a fixed order.
type Corner int

const (
	TopLeft Corner = iota // the marked one
	TopRight
	BottomLeft
	BottomRight
)

// FiducialCentres returns the centres of the four fiducials, indexed by Corner.
func FiducialCentres() [4]PointMM {
	const in = FiducialInsetMM
	return [4]PointMM{
		TopLeft:     {in, in},
		TopRight:    {PageWidthMM - in, in},
		BottomLeft:  {in, PageHeightMM - in},
		BottomRight: {PageWidthMM - in, PageHeightMM - in},
	}
}

// MMToPx converts millimetres to pixels at dpi.
func MMToPx(mm, dpi float64) float64 { return mm * dpi / 25.4 }

// PxToMM converts pixels at dpi to millimetres.
func PxToMM(px, dpi float64) float64 { return px * 25.4 / dpi }
