package scangen

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // the generator writes these formats
	_ "image/png"
	"strings"

	_ "golang.org/x/image/tiff"

	"shinsei/internal/pdfout"
)

// DecodeFile reads a generated file back into its pages, in 8-bit gray,
// for tests and evaluation that compare what a reader finds with the
// truth. It is no substitute for the pipeline's decode stage, which must
// cope with files the generator never writes.
func DecodeFile(name string, data []byte) ([]*image.Gray, error) {
	var imgs []image.Image
	if strings.HasSuffix(name, ".pdf") {
		pages, err := pdfout.PageImages(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, p := range pages {
			imgs = append(imgs, p.Image)
		}
	} else {
		img, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		imgs = append(imgs, img)
	}
	out := make([]*image.Gray, 0, len(imgs))
	for _, img := range imgs {
		g, ok := img.(*image.Gray)
		if !ok || g.Rect.Min != (image.Point{}) {
			g = image.NewGray(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
			draw.Draw(g, g.Bounds(), img, img.Bounds().Min, draw.Src)
		}
		out = append(out, g)
	}
	return out, nil
}
