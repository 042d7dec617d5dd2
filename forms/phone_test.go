package forms

import "testing"

func TestNormalizePhone(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
		ok             bool
	}{
		{"Tokyo", "03-1234-5678", "03-1234-5678", true},
		{"no hyphens", "0312345678", "0312345678", true},
		{"full-width", "０３－１２３４－５６７８", "03-1234-5678", true},
		{"long vowel dashes", "03ー1234ー5678", "03-1234-5678", true},
		{"spaces", " 03 1234 5678 ", "0312345678", true},
		{"spaced hyphens", "03 - 1234 - 5678", "03-1234-5678", true},
		{"3-digit area", "045-123-4567", "045-123-4567", true},
		{"4-digit area", "0422-12-3456", "0422-12-3456", true},
		{"5-digit area", "01267-2-3456", "01267-2-3456", true},
		{"mobile 090", "090-1234-5678", "090-1234-5678", true},
		{"mobile 080 plain", "08012345678", "08012345678", true},
		{"mobile 070", "070-1234-5678", "070-1234-5678", true},
		{"IP 050", "050-1234-5678", "050-1234-5678", true},
		{"0120", "0120-123-456", "0120-123-456", true},
		{"0120 plain", "0120123456", "0120123456", true},
		{"0800", "0800-123-4567", "0800-123-4567", true},
		{"0120 11 digits", "0120-123-4567", "0120-123-4567", false},
		{"0800 10 digits", "0800-123-456", "0800-123-456", false},
		{"0800 split wrong", "080-0123-4567", "080-0123-4567", false},
		{"mobile 10 digits", "090-123-4567", "090-123-4567", false},
		{"mobile 10 digits plain", "0901234567", "0901234567", false},
		{"mobile 12 digits", "090-1234-56789", "090-1234-56789", false},
		{"mobile split wrong", "0901-234-5678", "0901-234-5678", false},
		{"landline 11 digits", "03-1234-56789", "03-1234-56789", false},
		{"landline 9 digits", "03-123-4567", "03-123-4567", false},
		{"landline last group not 4", "03-12345-678", "03-12345-678", false},
		{"landline first group 6", "012345-1-234", "012345-1-234", false},
		{"020 is not landline", "020-123-4567", "020-123-4567", false},
		{"international prefix", "00-1234-5678", "00-1234-5678", false},
		{"no leading 0", "3-1234-56789", "3-1234-56789", false},
		{"two groups", "03-12345678", "03-12345678", false},
		{"four groups", "03-12-34-5678", "03-12-34-5678", false},
		{"empty group", "03--12345678", "03--12345678", false},
		{"trailing hyphen", "0312345678-", "0312345678-", false},
		{"parentheses", "03(1234)5678", "03(1234)5678", false},
		{"+81", "+81-3-1234-5678", "+81-3-1234-5678", false},
		{"letters", "03-1234-567O", "03-1234-567O", false},
		{"empty", "", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := NormalizePhone(c.in)
			if got != c.want || ok != c.ok {
				t.Errorf("NormalizePhone(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
			}
		})
	}
}

func TestNearestPhone(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// Read on the calibration hands, with what was written.
		{"93-3808-9821", "03-3808-9821"},
		{"970-8433-0384", "070-8433-0384"},
		{"90-1179-0136", "090-1179-0136"},
		{"644-654-8587", "044-654-8587"},
		// Right already, or not repaired by one first digit.
		{"03-3808-9821", ""},
		{"1-265-69", ""},
		{"1234", ""}, // a PIN written in the box is never made a number
		{"123456789", ""},
		{"", ""},
		{"9O-1179-0136", ""},
	} {
		got, ok := NearestPhone(c.in)
		if ok != (c.want != "") || got != c.want {
			t.Errorf("NearestPhone(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}
