package decode

import "image"

// ToGray exposes the colour conversion to the external tests, which check
// it on image types no file decoder in the standard library produces.
func ToGray(img image.Image) *image.Gray { return toGray(img) }
