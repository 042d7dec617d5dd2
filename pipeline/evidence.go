package pipeline

import (
	"fmt"
	"image"
	"iter"
	"strings"
	"unicode"

	"shinsei/forms"
	"shinsei/forms/address"
	"shinsei/forms/names"
	"shinsei/pipeline/text"
	"shinsei/templates"
)

// Issue codes of the cross-checks, which weigh a value against evidence
// that does not come from the recognizer agreeing with itself.
const (
	CodeNameReading         = "name_reading_mismatch" // 氏名 and フリガナ do not fit each other (a フリガナ read unsurely: not even nearly, or spelling another name)
	CodeNameUnknown         = "name_unknown"          // the 氏名 read is no known family and given name
	CodeNameConfusable      = "name_confusable"       // a character the reader confuses swapped makes a name that fits as well
	CodeAddressUnknown      = "address_unknown"       // the municipality or town read is in no list of Japan Post's
	CodeAddressConfusable   = "address_confusable"    // kana the reader confuses (バ/パ) where no list checks them
	CodeRelationshipUnknown = "relationship_unknown"  // 本人との関係 read as none of the ways people write it
	CodeNameSuggested       = "name_suggested"        // the 氏名 given is the known name nearest to what was read
	CodeAddressSuggested    = "address_suggested"     // the address given is Japan Post's nearest to what was read
	CodeKanaUnconfirmed     = "kana_unconfirmed"      // the フリガナ was read surely, but its 氏名 was not read, only proposed
	CodeKanaVoicing         = "kana_voicing"          // the フリガナ would fit its 氏名 as well with a voicing mark lost or added (マエタ, マエダ)
)

// unsureCap is the highest confidence a value keeps once a cross-check has
// found it unsupported, so a record never pairs review with 0.99.
const unsureCap = 0.5

// checkNames holds each 氏名 read surely against the name lexicon and its
// フリガナ. Three readings of one line by one model agree with each other
// even when all three are wrong (鈴木翔太 read 鈴木翔大 at 0.96); what the
// kanji and the kana say of each other is evidence the model cannot fake:
//   - a known name whose フリガナ is one of its readings: both stand;
//   - a known name whose フリガナ fits none of its readings: one of the two
//     was misread, and a person must look at both; so too when the フリガナ
//     was read unsurely and is not even near one of them;
//   - kanji that make no known name: a misread, or a rare name; either
//     way not sure, and neither is its フリガナ, which nothing confirms.
//
// settles, asked of a sure name a kanji rival holds, reports whether the
// second reader's models chose it over its rivals (text.Reader.
// SettlesRivals): then only the フリガナ's confusable kana count. nil:
// nothing settles.
func (e *Engine) checkNames(rec *forms.Record, t *templates.Template, settles func(templates.Field, string) bool) {
	if e.names == nil {
		return
	}
	for fd, kanaID := range nameFields(t) {
		kana, kanaSure := sureText(rec, kanaID)
		name, ok := sureText(rec, fd.ID)
		if !ok {
			// The name goes to a person anyway. Its reading stands alone
			// only if it fits what was read as the name: otherwise one of
			// the two is wrong, and nothing says which.
			read, _ := rec.Fields[fd.ID].Value.(string)
			if kanaSure && rec.HasIssue(fd.ID, text.WhySecond) {
				// The name's value is the second reader's choice among the
				// lexicon's names, not a reading: every reading of that
				// name fits it (ヤマサキ, a lost voicing mark, fits 山崎 as
				// well as ヤマザキ), so it confirms no フリガナ.
				unsure(rec, kanaID)
				rec.Issues = append(rec.Issues, forms.Issue{Field: kanaID, Code: CodeKanaUnconfirmed, Message: fmt.Sprintf("「%s」が読み取れず（値は候補）、フリガナを確かめる手がかりがありません / %q was not read (its value is a proposal), so nothing confirms the reading in %q — check both against the form", fd.Label, fd.ID, kanaID)})
				continue
			}
			switch {
			case kanaSure && e.names.Check(read, kana) != names.Agrees:
				unsure(rec, kanaID)
				rec.Issues = append(rec.Issues, forms.Issue{Field: kanaID, Code: CodeNameReading, Message: fmt.Sprintf("フリガナが「%s」の読み取り結果と合いません / the reading in %q does not fit what was read in %q, which is unsure too — check both", fd.Label, kanaID, fd.ID)})
			case kanaSure && e.names.VoicingRival(read, kana):
				e.voicingDoubt(rec, fd, kanaID)
			}
			continue
		}
		verdict := names.Unknown
		switch {
		case kanaSure:
			verdict = e.names.Check(name, kana)
		case e.names.Known(name):
			verdict = names.Agrees
			// A フリガナ read unsurely is still held against the name: a
			// misread one is near the name's reading (ゴトウセンコ,
			// 後藤節子), while 村上潜, a misread 村上湊, is far from
			// ムラカミニチト, a misread ムラカミミナト; and one that spells
			// another name exactly, two kana or more from this one's, says
			// that name was written (ヤマモトチヒロ beside 山本千年).
			if read, _ := rec.Fields[kanaID].Value.(string); read != "" && (!e.names.ReadsNear(name, read) || e.names.ReadsOther(name, read)) {
				verdict = names.Disagrees
			}
		}
		switch verdict {
		case names.Agrees:
			k := ""
			if kanaSure {
				k = kana
			}
			rival := e.names.Rival(name, k)
			if rival && !e.names.KanaRival(name, k) && settles != nil && settles(fd, name) {
				// Two recognisers trained apart from Tesseract, asked
				// among every name, chose this spelling over its rivals.
				rival = false
			}
			if !rival && kanaSure && e.names.VoicingRival(name, kana) {
				// The 氏名 is not in doubt, only which of its readings
				// the フリガナ holds.
				e.voicingDoubt(rec, fd, kanaID)
			}
			if rival {
				// 太田 and 大田 are both オオタ: the lexicon cannot say
				// which was written, and the model mistakes one for the
				// other as surely as it reads either.
				ids := []string{fd.ID}
				if kanaSure {
					ids = append(ids, kanaID)
				}
				unsure(rec, ids...)
				rec.Issues = append(rec.Issues, forms.Issue{Field: fd.ID, Code: CodeNameConfusable, Message: fmt.Sprintf("「%s」に読み違えやすい文字（太と大、シとジなど）があり、別の名前とも読めます / %q holds a character the reader confuses with another (太/大, シ/ジ…), and the other would make a name that fits as well — check it against the form", fd.Label, fd.ID)})
			}
		case names.Disagrees:
			unsure(rec, fd.ID, kanaID)
			rec.Issues = append(rec.Issues, forms.Issue{Field: fd.ID, Code: CodeNameReading, Message: fmt.Sprintf("「%s」とフリガナが合いません / the name in %q and its reading in %q do not fit each other — one of them was misread: check both", fd.Label, fd.ID, kanaID)})
		default:
			ids := []string{fd.ID}
			if kanaSure {
				ids = append(ids, kanaID)
			}
			unsure(rec, ids...)
			rec.Issues = append(rec.Issues, forms.Issue{Field: fd.ID, Code: CodeNameUnknown, Message: fmt.Sprintf("「%s」は名前の辞書にない読み取り結果です / what was read in %q is no name shinsei knows — check it (and its reading) against the form", fd.Label, fd.ID)})
		}
	}
}

// voicingDoubt sends a フリガナ to a person that would fit its 氏名 as
// well with one voicing mark lost or added (names.Lexicon.VoicingRival).
func (e *Engine) voicingDoubt(rec *forms.Record, fd templates.Field, kanaID string) {
	unsure(rec, kanaID)
	rec.Issues = append(rec.Issues, forms.Issue{Field: kanaID, Code: CodeKanaVoicing, Message: fmt.Sprintf("フリガナの濁点・半濁点（タとダ、ハとバとパなど）は読み違えやすく、「%s」はどちらの読みとも合います / the reading in %q has a voicing mark (タ/ダ, ハ/バ/パ…) the reader loses or adds, and %q fits the reading with or without it — check the フリガナ against the form", fd.Label, kanaID, fd.ID)})
}

// nameFields yields each 氏名 field of t with the id of its フリガナ field
// (which a template may lack: an answer sheet's proxy name has none).
func nameFields(t *templates.Template) iter.Seq2[templates.Field, string] {
	return func(yield func(templates.Field, string) bool) {
		for _, fd := range t.Fields {
			if fd.Kind != templates.Text || fd.Charset != templates.Kanji || !strings.HasSuffix(fd.ID, "_name") {
				continue
			}
			if !yield(fd, strings.TrimSuffix(fd.ID, "_name")+"_kana") {
				return
			}
		}
	}
}

// checkAddresses holds each address read surely against Japan Post's list
// of municipalities and towns. A misread kanji in a town (豊玉北 read as
// 豊王北) or a municipality (ふじみ野市 as ふじ野市) makes a place that
// does not exist, which three readings by one model cannot tell.
func (e *Engine) checkAddresses(rec *forms.Record, t *templates.Template) {
	if e.addresses == nil {
		return
	}
	for _, fd := range t.Fields {
		if fd.Kind != templates.Text || !strings.HasSuffix(fd.ID, "_address") {
			continue
		}
		a, ok := sureText(rec, fd.ID)
		if !ok {
			continue
		}
		if v := e.addresses.Check(a); v != address.Known {
			unsure(rec, fd.ID)
			rec.Issues = append(rec.Issues, forms.Issue{Field: fd.ID, Code: CodeAddressUnknown, Message: fmt.Sprintf("「%s」の市区町村または町域が住所の一覧にありません / the municipality or town read in %q is not in Japan Post's list (%v) — a misreading, or written in a way the list does not know: check it against the form", fd.Label, fd.ID, v)})
			continue
		}
		if strings.ContainsAny(a, halfVoiced) || mixesKana(building(a)) {
			// A building's name (コーポ, パレス) is in no list, and the
			// small circle of パ and the two strokes of バ are what a
			// thin pen or a scan loses or adds (コーポ read コーボ). A
			// hiragana read beside its katakana (ハイツ read へイツ) is
			// a misread letter too: people write a building's word in
			// one script.
			unsure(rec, fd.ID)
			rec.Issues = append(rec.Issues, forms.Issue{Field: fd.ID, Code: CodeAddressConfusable, Message: fmt.Sprintf("「%s」の建物名などに読み違えやすいかな（バとパ、ひらがなとカタカナの混在など）があります / %q holds kana the reader confuses (バ/パ, ボ/ポ…, or hiragana read among katakana) where no list can check them, such as a building's name — check it against the form", fd.Label, fd.ID)})
		}
	}
}

// suggest replaces a name or address that goes to a person and is no
// known name or place with the one the lists make likely (names.Suggest,
// address.Suggest): the reviewer is handed 後藤花子 to confirm rather than
// 後藤花千 to retype. What was read stays in the field's Raw, and the
// field stays for review with its confidence capped: a suggestion is
// evidence from a list, never a reading, so it can add no silent error.
func (e *Engine) suggest(rec *forms.Record, t *templates.Template) {
	for _, fd := range t.Fields {
		if fd.Kind != templates.Text {
			continue
		}
		fv := rec.Fields[fd.ID]
		read, _ := fv.Value.(string)
		if !fv.Review || read == "" || fv.Raw != "" {
			continue
		}
		var (
			v    string
			ok   bool
			code string
			msg  string
		)
		switch {
		case e.names != nil && fd.Charset == templates.Kanji && strings.HasSuffix(fd.ID, "_name"):
			kana, _ := rec.Fields[strings.TrimSuffix(fd.ID, "_name")+"_kana"].Value.(string)
			v, ok = e.names.Suggest(read, kana)
			code = CodeNameSuggested
			msg = fmt.Sprintf("「%s」の値は読み取り結果ではなく、名前の辞書（とフリガナ）から推定した候補です。用紙と照合してください / the value of %q is not what was read but the known name one character from it (the one whose reading is the フリガナ, when one is): confirm it against the form — what was read is in the field's raw", fd.Label, fd.ID)
		case e.addresses != nil && strings.HasSuffix(fd.ID, "_address"):
			v, ok = e.addresses.Suggest(read)
			code = CodeAddressSuggested
			msg = fmt.Sprintf("「%s」の都道府県・市区町村・町域は読み取り結果を住所の一覧で最も近いものに置き換えた候補です（番地・建物名は読み取りのまま）。用紙と照合してください / in %q the prefecture, municipality and town read were replaced by the nearest in Japan Post's list (the block number and building are as read): confirm them against the form — what was read is in the field's raw", fd.Label, fd.ID)
		}
		if !ok {
			continue
		}
		fv.Raw, fv.Value = read, v
		fv.Confidence = min(fv.Confidence, unsureCap)
		rec.Fields[fd.ID] = fv
		rec.Issues = append(rec.Issues, forms.Issue{Field: fd.ID, Code: code, Message: msg})
	}
}

// building is what an address holds after its block number's 号
// (18号ハイツ208号室: ハイツ208号室), where no list checks it; "" when no
// digit stands before a 号.
func building(a string) string {
	rs := []rune(a)
	for i := 1; i < len(rs); i++ {
		if rs[i] == '号' && unicode.IsDigit(rs[i-1]) {
			return string(rs[i+1:])
		}
	}
	return ""
}

// mixesKana says s puts a hiragana right beside a katakana (へイツ), as
// no one spells one word. Place names do (つつじケ丘, ニセコひらふ), so it
// is asked only of a building's part of an address.
func mixesKana(s string) bool {
	var prev rune
	for _, r := range s {
		if prev != 0 && (isHiragana(prev) && isKatakana(r) || isKatakana(prev) && isHiragana(r)) {
			return true
		}
		prev = r
	}
	return false
}

func isHiragana(r rune) bool { return r >= 'ぁ' && r <= 'ゖ' }

// isKatakana is a katakana letter; the long-vowel mark ー goes with either
// script.
func isKatakana(r rune) bool { return r >= 'ァ' && r <= 'ヺ' }

// halfVoiced are the kana of the は row with a voicing mark (バ) or a
// semi-voicing circle (パ): one is read for the other as surely as right.
const halfVoiced = "バビブベボパピプペポばびぶべぼぱぴぷぺぽ"

// checkRelationship holds a proxy's relationship read surely against the
// words people write there (forms.KnownRelationship): one or two kanji, so
// a misread character (妻 as 要) is as sure as a right one.
func (e *Engine) checkRelationship(rec *forms.Record, t *templates.Template) {
	fd, ok := t.Field("proxy_relationship")
	if !ok {
		return
	}
	if v, ok := sureText(rec, fd.ID); ok && !forms.KnownRelationship(v) {
		unsure(rec, fd.ID)
		rec.Issues = append(rec.Issues, forms.Issue{Field: fd.ID, Code: CodeRelationshipUnknown, Message: fmt.Sprintf("「%s」の読み取り結果は通常の続柄ではありません / what was read in %q is none of the usual relationships — check it against the form", fd.Label, fd.ID)})
	}
}

// sureText is a field's text when it was read, is not empty, and needs no
// person.
func sureText(rec *forms.Record, id string) (string, bool) {
	fv, ok := rec.Fields[id]
	if !ok || fv.Review {
		return "", false
	}
	s, ok := fv.Value.(string)
	return s, ok && s != ""
}

// unsure sends fields to a person and caps their confidence.
func unsure(rec *forms.Record, ids ...string) {
	for _, id := range ids {
		fv, ok := rec.Fields[id]
		if !ok {
			continue
		}
		fv.Review = true
		fv.Confidence = min(fv.Confidence, unsureCap)
		rec.Fields[id] = fv
	}
}

// Strips beside a text box where writing that belongs to it but was not
// read may stand: past its right edge (a room number that did not fit),
// and in the gap above it (a correction written over a struck value).
const (
	besideMM   = 12.0 // how far right of a box to look
	aboveMaxMM = 6.0  // at most this far above it
	stripMinMM = 2.5  // a strip narrower than this holds no character
	pageEdgeMM = 4.0  // the paper's edge, where a scan may end
)

// checkOutside flags a text or date field that has writing just outside
// its box: the reader reads only inside the box, so what stands outside is
// ink it did not use, and what it read may be cut short (an address read
// without its room number) or struck through (the right value written
// above). The strips end where another field's box begins, so a
// neighbour's own writing is not taken for an overrun.
func (e *Engine) checkOutside(rec *forms.Record, t *templates.Template, ink *image.Gray) {
	for _, fd := range t.Fields {
		if fd.Kind != templates.Text && fd.Kind != templates.Date {
			continue
		}
		for _, s := range outsideStrips(t, fd) {
			if !text.HasInk(ink, s) {
				continue
			}
			fv := rec.Fields[fd.ID]
			fv.Review = true
			fv.Confidence = min(fv.Confidence, unsureCap)
			rec.Fields[fd.ID] = fv
			if !rec.HasIssue(fd.ID, text.WhyOverrun) {
				rec.Issues = append(rec.Issues, forms.Issue{Field: fd.ID, Code: text.WhyOverrun, Message: textMessage(fd, text.WhyOverrun)})
			}
			break
		}
	}
}

// outsideStrips are the strips right of and above fd's box, cut short at
// the first other field's box and at the page's margin.
func outsideStrips(t *templates.Template, fd templates.Field) []templates.Box {
	b := fd.Box
	right := templates.Box{X: b.X + b.W, Y: b.Y, W: besideMM, H: b.H}
	right.W = min(right.W, templates.PageWidthMM-pageEdgeMM-right.X)
	above := templates.Box{X: b.X, Y: b.Y - aboveMaxMM, W: b.W, H: aboveMaxMM}
	above.Y = max(above.Y, pageEdgeMM)
	above.H = b.Y - above.Y
	for _, o := range t.Fields {
		if o.ID == fd.ID {
			continue
		}
		ob := o.Box
		if right.Overlaps(ob) {
			right.W = min(right.W, ob.X-right.X-0.5)
		}
		if above.Overlaps(ob) {
			top := ob.Y + ob.H + 0.5
			above.H -= top - above.Y
			above.Y = top
		}
	}
	var out []templates.Box
	for _, s := range []templates.Box{right, above} {
		if s.W >= stripMinMM && s.H >= stripMinMM {
			out = append(out, s)
		}
	}
	return out
}
