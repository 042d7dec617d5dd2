package decode

import "testing"

func TestSingleImage(t *testing.T) {
	for _, c := range []struct {
		name string
		data string
		want bool
	}{
		{"png", "\x89PNG\r\n\x1a\n....", true},
		{"jpeg", "\xff\xd8\xff\xe0....", true},
		{"gif", "GIF89a....", true},
		{"tiff", "II*\x00....", false},
		{"pdf", "%PDF-1.7\n....", false},
		{"text that starts BM", "BMW service invoice, not a bitmap at all", false},
		{"empty", "", false},
	} {
		if got := SingleImage([]byte(c.data)); got != c.want {
			t.Errorf("%s: SingleImage = %v, want %v", c.name, got, c.want)
		}
	}
}
