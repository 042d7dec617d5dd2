module github.com/otiai10/gosseract/v2

go 1.18

require github.com/otiai10/mint v1.6.3
