// Command shinsei-alike derives ocr/paddle/alike.tsv: for each character
// an address is written with, what the second recogniser's models take it
// for. Their alphabet is China's: they have no 県 and read it as 鼎 or 景,
// read 丁 as T and 島 as 岛. Each character is printed alone in each of
// a set of fonts — print faces and the calibration hands' faces, never a
// held-out hand's (internal/scangen's holdout set) — and read by each
// model; an output that takes at least -min of a model's reading of it,
// in the mean over the fonts, is an alike. It is a build tool, never
// linked into shinsei.
//
//	shinsei-alike [-towns forms/address/towns.tsv] [-out ocr/paddle/alike.tsv]
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"shinsei/ocr/paddle"
)

// fonts are print faces (scripts/setup.sh installs them) and the faces of
// the calibration hands; the held-out hands' faces are not among them.
var fonts = []string{
	"/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
	"/usr/share/fonts/truetype/konatu/Konatu.ttf",
	"/usr/share/fonts/truetype/komatuna/komatuna.ttf",
	"/usr/share/fonts/truetype/aoyagi-kouzan-t/AoyagiKouzanT.ttf",
}

func main() {
	towns := flag.String("towns", "forms/address/towns.tsv", "address master whose characters to read")
	out := flag.String("out", "ocr/paddle/alike.tsv", "table to write")
	minShare := flag.Float64("min", 0.1, "least mean share of a model's reading for an output to be an alike")
	flag.Parse()
	if err := run(context.Background(), *towns, *out, *minShare); err != nil {
		fmt.Fprintf(os.Stderr, "shinsei-alike: %v\n", err)
		os.Exit(1)
	}
}

const header = `# What the second recogniser's models (PaddleOCR, Chinese alphabet) take each character
# of an address for, derived by cmd/shinsei-alike: each character printed alone in IPAex
# Gothic and in the faces of the calibration hands (Konatu, Komatuna, Aoyagi Kouzan T), read by
# each model; an output with a mean share of at least %.2f of either model's reading is kept.
# One character a line: the character, a tab, its alikes (itself left out).
`

func run(ctx context.Context, townsPath, outPath string, minShare float64) error {
	chars, err := vocabulary(townsPath)
	if err != nil {
		return err
	}
	dir, err := paddle.Dir(os.Getenv)
	if err != nil {
		return err
	}
	p, err := paddle.Open(dir)
	if err != nil {
		return err
	}
	defer p.Close()
	faces, err := loadFaces()
	if err != nil {
		return err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, header, minShare)
	for _, c := range chars {
		alike, err := derive(ctx, p, faces, c, minShare)
		if err != nil {
			return err
		}
		if len(alike) > 0 {
			fmt.Fprintf(&b, "%c\t%s\n", c, string(alike))
		}
	}
	if err := os.MkdirAll(filepath.Dir(outPath), 0o755); err != nil {
		return err
	}
	return os.WriteFile(outPath, b.Bytes(), 0o644)
}

func loadFaces() ([]font.Face, error) {
	var faces []font.Face
	for _, f := range fonts {
		face, err := load(f)
		if err != nil {
			return nil, err
		}
		faces = append(faces, face)
	}
	return faces, nil
}

// derive is what the models take c for, printed in each face: every
// output other than c that takes at least minShare of a model's reading,
// in the mean over the faces, sorted.
func derive(ctx context.Context, p *paddle.Recognizer, faces []font.Face, c rune, minShare float64) ([]rune, error) {
	// mean[model][output]: the output's share, averaged over faces.
	var mean []map[rune]float64
	for _, face := range faces {
		g, err := p.Glyph(ctx, glyph(face, c))
		if err != nil {
			return nil, err
		}
		for m, shares := range g {
			if m >= len(mean) {
				mean = append(mean, map[rune]float64{})
			}
			for r, s := range shares {
				mean[m][r] += s / float64(len(faces))
			}
		}
	}
	var alike []rune
	for _, shares := range mean {
		for r, s := range shares {
			// Spaces and punctuation are what a model makes of a glyph
			// it cannot place, not a reading of it.
			if r != c && s >= minShare && (unicode.IsLetter(r) || unicode.IsDigit(r)) && !slices.Contains(alike, r) {
				alike = append(alike, r)
			}
		}
	}
	slices.Sort(alike)
	return alike, nil
}

// vocabulary is every character of the master's places, and those of
// block numbers, sorted.
func vocabulary(path string) ([]rune, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	seen := map[rune]bool{}
	for _, r := range "0123456789丁目番地号" {
		seen[r] = true
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, r := range line {
			if r != '\t' && r != ',' && r != ' ' {
				seen[r] = true
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	var out []rune
	for r := range seen {
		out = append(out, r)
	}
	slices.Sort(out)
	return out, nil
}

func load(path string) (font.Face, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (scripts/setup.sh installs it)", path, err)
	}
	f, err := opentype.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: 40, DPI: 72})
}

// glyph is c alone, black on a white line the models' height.
func glyph(face font.Face, c rune) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, 72, 56))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: face, Dot: fixed.P(16, 43)}
	d.DrawString(string(c))
	return img
}
