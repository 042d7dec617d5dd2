package scangen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"shinsei/forms"
)

// A reading pairs a written name with its katakana, as people write them in
// the 氏名 and フリガナ boxes.
type reading struct{ kanji, kana string }

var surnames = []reading{
	{"佐藤", "サトウ"}, {"鈴木", "スズキ"}, {"高橋", "タカハシ"}, {"田中", "タナカ"}, {"伊藤", "イトウ"},
	{"渡辺", "ワタナベ"}, {"山本", "ヤマモト"}, {"中村", "ナカムラ"}, {"小林", "コバヤシ"}, {"加藤", "カトウ"},
	{"吉田", "ヨシダ"}, {"山田", "ヤマダ"}, {"佐々木", "ササキ"}, {"山口", "ヤマグチ"}, {"松本", "マツモト"},
	{"井上", "イノウエ"}, {"木村", "キムラ"}, {"林", "ハヤシ"}, {"斎藤", "サイトウ"}, {"清水", "シミズ"},
	{"山崎", "ヤマザキ"}, {"森", "モリ"}, {"池田", "イケダ"}, {"橋本", "ハシモト"}, {"阿部", "アベ"},
	{"石川", "イシカワ"}, {"山下", "ヤマシタ"}, {"中島", "ナカジマ"}, {"石井", "イシイ"}, {"小川", "オガワ"},
	{"前田", "マエダ"}, {"岡田", "オカダ"}, {"長谷川", "ハセガワ"}, {"藤田", "フジタ"}, {"後藤", "ゴトウ"},
	{"近藤", "コンドウ"}, {"村上", "ムラカミ"}, {"遠藤", "エンドウ"}, {"青木", "アオキ"}, {"坂本", "サカモト"},
}

var givenMale = []reading{
	{"太郎", "タロウ"}, {"一郎", "イチロウ"}, {"健太", "ケンタ"}, {"翔太", "ショウタ"}, {"大輔", "ダイスケ"},
	{"誠", "マコト"}, {"浩二", "コウジ"}, {"隆", "タカシ"}, {"拓也", "タクヤ"}, {"直樹", "ナオキ"},
	{"蓮", "レン"}, {"悠真", "ユウマ"}, {"湊", "ミナト"}, {"修", "オサム"}, {"和夫", "カズオ"},
	{"正男", "マサオ"}, {"茂", "シゲル"}, {"博", "ヒロシ"}, {"亮", "リョウ"}, {"陽翔", "ハルト"},
}

var givenFemale = []reading{
	{"花子", "ハナコ"}, {"陽子", "ヨウコ"}, {"美咲", "ミサキ"}, {"恵子", "ケイコ"}, {"由美", "ユミ"},
	{"直子", "ナオコ"}, {"愛", "アイ"}, {"真由美", "マユミ"}, {"幸子", "サチコ"}, {"明美", "アケミ"},
	{"結衣", "ユイ"}, {"陽菜", "ヒナ"}, {"葵", "アオイ"}, {"さくら", "サクラ"}, {"久美子", "クミコ"},
	{"和子", "カズコ"}, {"節子", "セツコ"}, {"美穂", "ミホ"}, {"彩", "アヤ"}, {"千尋", "チヒロ"},
}

// places are real municipalities, each with real towns of Japan Post's
// list (forms/address), so that a generated address is one the address
// master knows — as a person's own address is.
var places = []struct {
	pref, city string
	towns      []string
}{
	{"東京都", "練馬区", []string{"豊玉北", "桜台", "光が丘", "石神井台"}},
	{"東京都", "世田谷区", []string{"三軒茶屋", "上馬", "代沢", "桜新町"}},
	{"東京都", "八王子市", []string{"めじろ台", "みなみ野", "上野町", "旭町"}},
	{"神奈川県", "横浜市港北区", []string{"大倉山", "富士塚", "日吉本町", "菊名"}},
	{"神奈川県", "川崎市中原区", []string{"上丸子", "井田", "木月", "新丸子町"}},
	{"埼玉県", "さいたま市浦和区", []string{"仲町", "岸町", "常盤", "北浦和"}},
	{"千葉県", "船橋市", []string{"三咲", "本町", "湊町", "前原西"}},
	{"大阪府", "大阪市北区", []string{"中津", "南森町", "天満", "梅田"}},
	{"大阪府", "堺市堺区", []string{"三宝町", "中之町東", "北瓦町", "南瓦町"}},
	{"愛知県", "名古屋市中区", []string{"丸の内", "大須", "新栄", "千代田"}},
	{"京都府", "京都市左京区", []string{"下鴨本町", "吉田本町", "下鴨北園町", "下鴨宮崎町"}},
	{"兵庫県", "神戸市灘区", []string{"五毛", "八幡町", "六甲台町", "篠原本町"}},
	{"福岡県", "福岡市博多区", []string{"中洲", "博多駅前", "井相田", "上牟田"}},
	{"北海道", "札幌市中央区", []string{"伏見", "中島公園", "宮の森", "旭ケ丘"}},
	{"宮城県", "仙台市青葉区", []string{"一番町", "中央", "上杉", "中山"}},
	{"広島県", "広島市中区", []string{"八丁堀", "中町", "住吉町", "千田町"}},
	{"静岡県", "浜松市中央区", []string{"三島町", "上島", "佐鳴台", "高町"}},
	{"新潟県", "新潟市中央区", []string{"万代", "上所", "本町通", "古町通"}},
	{"長野県", "松本市", []string{"中央", "丸の内", "並柳", "両島"}},
	{"熊本県", "熊本市中央区", []string{"上通町", "下通", "九品寺", "水前寺"}},
}

var relationships = []string{"妻", "夫", "子", "父", "母", "兄", "姉", "弟", "妹", "孫", "友人", "知人"}

// Person is someone who fills in a form.
type Person struct {
	Name, Kana string // 山田 太郎, ヤマダ タロウ
	Male       bool
	Birth      time.Time
	Address    string
	Phone      string
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func newPerson(rng *rand.Rand, today time.Time, minAge, maxAge int) Person {
	s := pick(rng, surnames)
	male := rng.IntN(2) == 0
	g := pick(rng, givenFemale)
	if male {
		g = pick(rng, givenMale)
	}
	age := minAge + rng.IntN(maxAge-minAge+1)
	birth := today.AddDate(-age, 0, -rng.IntN(365))
	pl := pick(rng, places)
	addr := fmt.Sprintf("%s%s%s%d丁目%d番%d号", pl.pref, pl.city, pick(rng, pl.towns), 1+rng.IntN(6), 1+rng.IntN(30), 1+rng.IntN(25))
	if rng.IntN(4) == 0 {
		addr += fmt.Sprintf(" %s%d号室", pick(rng, []string{"コーポ", "ハイツ", "マンション"}), 101+rng.IntN(8)*100+rng.IntN(8))
	}
	return Person{
		Name: s.kanji + " " + g.kanji, Kana: s.kana + " " + g.kana, Male: male,
		Birth: birth, Address: addr, Phone: phone(rng),
	}
}

// phone is a number of a shape that exists (forms.NormalizePhone): a
// mobile number, or a fixed line in Tokyo or with a three-digit area code.
// Numbers no one has are not drawn: a fixed line with a 0 as its second
// or third digit (03-0xxx, 040-xxx), a mobile number 080-0xxx (0800 is
// toll-free).
func phone(rng *rand.Rand) string {
	switch rng.IntN(3) {
	case 0:
		return fmt.Sprintf("0%d0-%04d-%04d", pick(rng, []int{7, 8, 9}), 1000+rng.IntN(9000), rng.IntN(10000))
	case 1:
		return fmt.Sprintf("03-%04d-%04d", 1000+rng.IntN(9000), rng.IntN(10000))
	default:
		area := rng.IntN(6 * 9) // 04x…09x, x not 0
		return fmt.Sprintf("0%d%d-%03d-%04d", 4+area/9, 1+area%9, rng.IntN(1000), rng.IntN(10000))
	}
}

// SpellDate writes a date the way people do on forms: 和暦 or 西暦, with or
// without spaces, sometimes slashes; it returns the spelling and its style.
func SpellDate(rng *rand.Rand, t time.Time) (string, string) {
	switch rng.IntN(5) {
	case 0, 1:
		s, err := forms.FormatWareki(t)
		if err == nil {
			if rng.IntN(3) == 0 {
				s = spaceOut(s)
			}
			return s, "wareki"
		}
		fallthrough
	case 2, 3:
		s := fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
		if rng.IntN(3) == 0 {
			s = spaceOut(s)
		}
		return s, "seireki"
	default:
		return fmt.Sprintf("%d/%02d/%02d", t.Year(), int(t.Month()), t.Day()), "slash"
	}
}

// spaceOut puts a space before and after each number, as in 昭和 60 年 4 月.
func spaceOut(s string) string {
	var b strings.Builder
	prevDigit := false
	for i, r := range s {
		d := r >= '0' && r <= '9'
		if i > 0 && d != prevDigit {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prevDigit = d
	}
	return b.String()
}

// newPIN draws a PIN as a person would choose one: the signature PIN 6–16
// upper-case letters and digits with at least one of each, the user PIN 4
// digits. These are synthetic, for test scans only.
func newPIN(rng *rand.Rand, signature bool) string {
	if !signature {
		return fmt.Sprintf("%04d", rng.IntN(10000))
	}
	const letters, digits = "ABCDEFGHJKLMNPQRSTUVWXYZ", "0123456789"
	n := 6 + rng.IntN(11)
	b := make([]byte, n)
	for i := range b {
		if rng.IntN(2) == 0 {
			b[i] = letters[rng.IntN(len(letters))]
		} else {
			b[i] = digits[rng.IntN(len(digits))]
		}
	}
	// At least one letter and one digit, at two different places.
	a := rng.IntN(n)
	d := (a + 1 + rng.IntN(n-1)) % n
	b[a] = letters[rng.IntN(len(letters))]
	b[d] = digits[rng.IntN(len(digits))]
	return string(b)
}
