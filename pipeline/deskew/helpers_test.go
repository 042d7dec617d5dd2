package deskew

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"shinsei/internal/scanfx"
	"shinsei/templates"
)

// A4 at 300 dpi.
const pageW, pageH = 2480, 3508

func gothic(tb testing.TB) *opentype.Font {
	tb.Helper()
	// The Debian package fonts-ipaexfont-gothic provides the face; the copy
	// shipped with shinsei's templates is the same file, for machines
	// without the package.
	paths := []string{
		"/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
		"../../templates/fonts/ipaexg.ttf",
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		f, err := opentype.Parse(data)
		if err != nil {
			tb.Fatalf("parse %s: %v", p, err)
		}
		return f
	}
	tb.Fatalf("IPAex Gothic not found in %v", paths)
	return nil
}

func newFace(tb testing.TB, f *opentype.Font, pt float64) font.Face {
	tb.Helper()
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: pt, DPI: 300, Hinting: font.HintingNone})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { face.Close() })
	return face
}

func blankPage(level uint8) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, pageW, pageH))
	for i := range img.Pix {
		img.Pix[i] = level
	}
	return img
}

// drawText puts s with its baseline at (x, y) pixels.
func drawText(img *image.Gray, face font.Face, s string, x, y int) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(color.Gray{20}), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// paragraphs breaks counter notices into lines of at most perLine runes,
// starting a new paragraph every third sentence, so lines end ragged as
// real text does.
func paragraphs(perLine, want int) []string {
	sentences := []string{
		"電子証明書の発行申請書を受け付けました。",
		"本人確認書類の写しを添付してください。",
		"申請内容に不備がある場合は、窓口までご連絡ください。",
		"暗証番号は他人に知られないよう厳重に管理してください。",
		"有効期限は発行日から五回目の誕生日までです。",
		"交付通知書が届きましたら、市区町村の窓口へお越しください。",
		"代理人による申請の場合は、委任状が必要です。",
	}
	var lines []string
	var cur []rune
	for i := 0; len(lines) < want; i++ {
		for _, r := range sentences[i%len(sentences)] {
			cur = append(cur, r)
			if len(cur) == perLine {
				lines = append(lines, string(cur))
				cur = cur[:0]
			}
		}
		if i%3 == 2 && len(cur) > 0 {
			lines = append(lines, string(cur))
			cur = cur[:0]
		}
	}
	return lines[:want]
}

// japanesePage is a letter of 20 horizontal lines of 12 pt full-width text.
func japanesePage(tb testing.TB) *image.Gray {
	face := newFace(tb, gothic(tb), 12)
	img := blankPage(255)
	for i, line := range paragraphs(36, 20) {
		drawText(img, face, line, 300, 500+i*88)
	}
	return img
}

// verticalPage is Japanese written in columns, right to left, one glyph
// per 12 pt cell. When stagger is set, each column starts up to a glyph
// lower than the last and its glyphs are spaced unevenly, as in handwriting,
// so that rows of glyphs no longer line up across the page.
func verticalPage(tb testing.TB, stagger bool) *image.Gray {
	face := newFace(tb, gothic(tb), 12)
	const em = 50 // 12 pt at 300 dpi
	img := blankPage(255)
	rng := rand.New(rand.NewPCG(3, 3))
	for c, col := range paragraphs(48, 22) {
		x := pageW - 350 - c*88
		y := 400 + em
		if stagger {
			y += rng.IntN(em)
		}
		for _, r := range col {
			drawText(img, face, string(r), x, y)
			y += em
			if stagger {
				y += rng.IntN(em / 3)
			}
		}
	}
	return img
}

const lorem = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod " +
	"tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis " +
	"nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis " +
	"aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat " +
	"nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui " +
	"officia deserunt mollit anim id est laborum. "

// latinPage is 32 lines of 11 pt proportional Latin text.
func latinPage(tb testing.TB) *image.Gray {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		tb.Fatal(err)
	}
	face := newFace(tb, f, 11)
	img := blankPage(255)
	words := strings.Fields(strings.Repeat(lorem, 12))
	maxW := fixed.I(pageW - 600)
	line, n := "", 0
	for _, w := range words {
		next := strings.TrimSpace(line + " " + w)
		if font.MeasureString(face, next) > maxW {
			drawText(img, face, line, 300, 400+n*64)
			line, n = w, n+1
			if n == 32 {
				break
			}
			continue
		}
		line = next
	}
	return img
}

// sparsePage is a short note: a date and two lines of about 20 glyphs.
func sparsePage(tb testing.TB) *image.Gray {
	face := newFace(tb, gothic(tb), 12)
	img := blankPage(255)
	drawText(img, face, "令和七年四月一日", pageW-300-8*50, 450)
	drawText(img, face, "電子証明書の発行申請書を受け付けました。", 300, 650)
	drawText(img, face, "窓口までご連絡ください。千代田区役所", 300, 740)
	return img
}

// letterHeadPage is the head of a letter and nothing else: three lines of
// 7 to 13 glyphs, at the limit of what a projection profile can judge.
func letterHeadPage(tb testing.TB) *image.Gray {
	face := newFace(tb, gothic(tb), 12)
	img := blankPage(255)
	drawText(img, face, "令和七年四月一日", pageW-300-8*50, 450)
	drawText(img, face, "千代田区長　殿", 300, 650)
	drawText(img, face, "電子証明書の再発行について", 700, 900)
	return img
}

// formPage is shinsei's blank application form.
func formPage(tb testing.TB) *image.Gray {
	r, err := templates.NewRenderer()
	if err != nil {
		tb.Fatal(err)
	}
	tp, err := templates.Builtin().Get("jpki-application", 1)
	if err != nil {
		tb.Fatal(err)
	}
	img, err := r.Render(tp, templates.Values{}, 300)
	if err != nil {
		tb.Fatal(err)
	}
	return img
}

// noisePage is grey texture with no lines at all: white noise for radius
// 0, otherwise blobs about 2·radius across (white noise through three box
// blurs, near enough a gaussian to have no preferred direction), stretched
// to the full grey range like a photograph.
//
//go:norace
func noisePage(seed uint64, radius int) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, 7))
	v := make([]float32, pageW*pageH)
	for i := range v {
		v[i] = rng.Float32()
	}
	for range 3 {
		boxBlur(v, pageW, pageH, radius, 1, pageW)
		boxBlur(v, pageH, pageW, radius, pageW, 1)
	}
	var mean, sq float64
	for _, x := range v {
		mean += float64(x)
		sq += float64(x) * float64(x)
	}
	mean /= float64(len(v))
	sd := math.Sqrt(sq/float64(len(v)) - mean*mean)
	img := image.NewGray(image.Rect(0, 0, pageW, pageH))
	for i, x := range v {
		img.Pix[i] = uint8(max(0, min(255, math.Round(128+(float64(x)-mean)/sd*64))))
	}
	return img
}

// boxBlur averages each of m lines of n values (step apart, lines stride
// apart) over a window of 2r+1, in place, clamping at the ends.
//
//go:norace
func boxBlur(v []float32, n, m, r, step, stride int) {
	if r == 0 {
		return
	}
	line := make([]float32, n)
	for j := range m {
		for i := range line {
			line[i] = v[j*stride+i*step]
		}
		var sum float32
		for i := -r - 1; i < r; i++ {
			sum += line[max(0, min(n-1, i))]
		}
		for i := range n {
			sum += line[min(n-1, i+r)] - line[max(0, i-r-1)]
			v[j*stride+i*step] = sum / float32(2*r+1)
		}
	}
}

// scan skews src by deg (clockwise on screen) the way scanfx does. The
// Clean mix is a perfect copy apart from the skew; other mixes draw the
// rest of the damage (noise, dust, tone, blur, resolution, bilevel, JPEG)
// from seed, but keep the page upright.
func scan(tb testing.TB, src *image.Gray, deg float64, mix scanfx.Mix, seed uint64) *image.Gray {
	tb.Helper()
	var p scanfx.Params
	var rng *rand.Rand
	if mix != scanfx.Clean {
		rng = rand.New(rand.NewPCG(seed, 1))
		p = scanfx.RandomParams(rng, mix)
		p.Rotate90 = 0
	}
	p.SkewDeg = deg
	img, _, err := scanfx.Apply(src, p, rng)
	if err != nil {
		tb.Fatal(err)
	}
	return img
}

// drawBars paints n black bars 12 px thick that run downhill to the right
// at deg (y = y0 + x·tan deg), across the middle 80% of a w×h white page.
func drawBars(w, h, n int, deg float64) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Rect, image.White, image.Point{}, draw.Src)
	slope := math.Tan(deg * math.Pi / 180)
	for i := range n {
		yc := float64(h)*0.15 + float64(i)*float64(h)*0.7/float64(n)
		for x := w / 10; x < w*9/10; x++ {
			y := yc + float64(x-w/2)*slope
			for dy := -6; dy < 6; dy++ {
				if yy := int(math.Round(y)) + dy; yy >= 0 && yy < h {
					img.Pix[yy*img.Stride+x] = 0
				}
			}
		}
	}
	return img
}
