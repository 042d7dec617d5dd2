package text

import (
	"context"
	"fmt"
	"image"
	"slices"
	"strings"

	"shinsei/forms"
	"shinsei/ocr/paddle"
)

// choosePhone is the second reader's word on a phone number that neither
// it nor Tesseract read clearly: which number, of every number of the
// shapes a person's number has (forms.NormalizePhone), each written in its
// three groups, its models find likeliest in the pixels. Read character by
// character, one lost hyphen or doubled digit spoils a number
// (03-36119700); asked which number it is, the models weigh every digit
// of every number of the right shape. When both pick the same number,
// clearly (minPhoneShare) and fitting the line about as well as their own
// free reading of it (minPhoneFit: a number written otherwise, or
// something that is no phone number, fits badly), it goes to a person as
// the proposal (text_second_reader). It is never made sure: on hands none
// of the readers learnt, all of them read a 1 as 7 alike.
//
// When what Tesseract read is no phone number at all (WhyShape), or only
// the nearest number to it (WhyPhoneNear), any number both models choose
// alike is a better proposal than that, however clearly each prefers it
// (minPhoneGuessShare, minPhoneGuessFit), and so is the number the first
// model (PP-OCRv4) chooses very clearly on its own (minPhoneAloneShare)
// where the second chooses another. A nearest number can be right; on the
// calibration hands none of those was put out.
//
// Only numbers in three groups are in the tree: a run of digits alone may
// be a password written in the wrong box (forms.NearestPhone), and must
// never be made into a value.
func (r *Reader) choosePhone(ctx context.Context, img *image.Gray, rd Reading) (Reading, bool, error) {
	if !rd.Review || r.phones == nil {
		return rd, false, nil
	}
	switch rd.Why {
	case WhyUnsure, WhyShape, WhyPhoneNear:
	default:
		return rd, false, nil
	}
	share, fit := minPhoneShare, minPhoneFit
	guess := rd.Why != WhyUnsure
	if guess {
		share, fit = minPhoneGuessShare, minPhoneGuessFit
	}
	ch, err := r.second.ChooseUntil(ctx, img, r.phones.allow, r.phones.tree(), func(c paddle.Choice) bool {
		if guess && c.Key != "" && c.Share >= minPhoneAloneShare && c.Fit >= fit {
			return false // the first model's choice stands alone
		}
		return c.Key != "" && c.Share >= share && c.Fit >= fit
	})
	if err != nil {
		return Reading{}, false, fmt.Errorf("text: choosing the phone number: %w", err)
	}
	number, ok := bothChose(ch, share, fit)
	if !ok && guess {
		number, ok = firstChose(ch, minPhoneAloneShare, fit)
	}
	if !ok {
		return rd, false, nil
	}
	if v, _ := rd.Value.(string); v == number {
		return rd, false, nil // Tesseract's own reading, seconded: still for a person
	}
	rd.Value, rd.Why = number, WhySecond
	rd.Confidence = min(rd.Confidence, 0.5)
	return rd, true, nil
}

// minPhoneShare and minPhoneFit are how clearly both models must prefer
// their number to the others, and how well it must fit the line next to
// their own reading, for choosePhone to propose it: chosen on the
// calibration hands (shares of 0.5 to 0.95 were tried; none proposed a
// wrong number, fewer right ones the higher). phoneMargin is how far
// under the line's likeliest reading a number begun is still followed
// (paddle.Tree.Margin), as for addresses.
//
// minPhoneGuessShare and minPhoneGuessFit are the same for a number read
// as none (choosePhone): on the calibration hands (seeds 101 and 102), of
// shares 0 to 0.3 and fits −3 to −6, 0.3 and −6 put in the most right
// numbers (14 more than 0.7 and −3, on 87 such boxes) with the fewest
// wrong proposals (5). A number fitting worse than −6 is likelier some
// other writing than a phone number. minPhoneAloneShare is how clearly
// the first model alone must prefer a number for that: of 0.5 to 0.8,
// 0.8 put in 6 more right numbers and no wrong one (0.7: the same and 1
// wrong; 0.5: 10 more right and 7 wrong, one in place of a right one).
const (
	minPhoneShare      = 0.7
	minPhoneFit        = -3.0
	minPhoneGuessShare = 0.3
	minPhoneGuessFit   = -6.0
	minPhoneAloneShare = 0.8
	phoneMargin        = 8.0
)

// phoneDigits is what each position of a shape may hold.
func phoneDigits(c byte) string {
	switch c {
	case 'm':
		return "5789"
	case 'n':
		return "123456789"
	case 'd':
		return "0123456789"
	}
	return string(c)
}

// PhoneChooser is the tree of phone numbers the second reader may be
// asked about, and what its models may read in it.
type PhoneChooser struct {
	allow string
	alike map[rune][]rune
}

// NewPhoneChooser scores each digit and the hyphen as itself and as what
// the models take it for (alikes: full-width digits, 一 for 1; and for the
// hyphen －, ー, 一 and —), each if knows (the models' alphabet) has it.
func NewPhoneChooser(knows func(rune) bool, alikes map[rune][]rune) *PhoneChooser {
	alike := map[rune][]rune{'-': {'－', 'ー', '一', '—'}}
	allow := "0123456789-"
	for _, r := range "0123456789" {
		alike[r] = alikes[r]
	}
	for r, as := range alike {
		var kept []rune
		for _, a := range as {
			if a != r && knows(a) {
				kept = append(kept, a)
				if !strings.ContainsRune(allow, a) {
					allow += string(a)
				}
			}
		}
		alike[r] = kept
	}
	return &PhoneChooser{allow: allow, alike: alike}
}

// tree is every number of a person's shapes, keyed by its spelling. A
// shape is one character a position: 0 and - stand for themselves, m for
// the second digit of a mobile or IP number (0m0), n for a digit 1–9 (a
// fixed line's area code has no 0 after its first), d for any digit; every
// spelling is checked with forms.NormalizePhone too.
func (c *PhoneChooser) tree() paddle.Tree {
	shapes := []string{"0m0-dddd-dddd", "0n-nddd-dddd", "0nn-ddd-dddd", "0nnd-dd-dddd", "0nndd-d-dddd"}
	// kids are the characters after s, each with the shapes that can
	// hold it there.
	var kids func(s string, shapes []string) func() []paddle.Tree
	kids = func(s string, shapes []string) func() []paddle.Tree {
		return func() []paddle.Tree {
			var out []paddle.Tree
			var next []byte // each next character once, in order
			for _, sh := range shapes {
				if len(s) < len(sh) {
					for _, c := range []byte(phoneDigits(sh[len(s)])) {
						if !slices.Contains(next, c) {
							next = append(next, c)
						}
					}
				}
			}
			for _, c := range next {
				t := s + string(c)
				var alive []string
				key := ""
				for _, sh := range shapes {
					if len(s) < len(sh) && strings.IndexByte(phoneDigits(sh[len(s)]), c) >= 0 {
						alive = append(alive, sh)
						if len(sh) == len(t) {
							if _, ok := forms.NormalizePhone(t); ok {
								key = t
							}
						}
					}
				}
				out = append(out, paddle.Tree{Part: string(c), Key: key, Kids: kids(t, alive)})
			}
			return out
		}
	}
	return paddle.Tree{Margin: phoneMargin, Alike: c.alike, Kids: kids("", shapes)}
}
