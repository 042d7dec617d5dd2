package templates

// The three JPKI forms, revision 1. Coordinates are millimetres from the
// page's top-left corner. Layout rules kept throughout: labels in a grey
// column at x 15–45, writing boxes from x 47 to 195; name lines ≥ 10 mm
// high, PIN cells ≥ 7 mm wide; nothing within 2 mm of the fiducials, and
// nothing right of x 168 above y 45, where the QR code is.

const (
	labelX  = 15.0
	labelW  = 30.0
	inputX  = 47.0
	rightX  = 195.0
	inputW  = rightX - inputX
	checkMM = 5.0
)

type builder struct{ t *Template }

func newBuilder(id, title string) *builder {
	return &builder{t: &Template{ID: id, Revision: 1, Title: title, Page: Page{PageWidthMM, PageHeightMM}}}
}

func (b *builder) print(e Element) { b.t.Print = append(b.t.Print, e) }

func (b *builder) text(x, y, w, size float64, s string) {
	b.print(Element{Kind: TextElement, Box: Box{x, y, w, size * 1.4}, Text: s, SizeMM: size})
}

func (b *builder) title(y, size float64, s string) {
	b.print(Element{Kind: TextElement, Box: Box{20, y, 148, size * 1.4}, Text: s, SizeMM: size, Center: true, Bold: true})
}

// heading draws a grey section bar; x2 is its right end (short of the QR
// code near the top of the page).
func (b *builder) heading(y float64, s string, x2 float64) {
	b.print(Element{Kind: RectElement, Box: Box{labelX, y, x2 - labelX, 6}, Gray: true})
	b.print(Element{Kind: TextElement, Box: Box{labelX + 2, y + 1.2, x2 - labelX - 4, 4}, Text: s, SizeMM: 3.4, Bold: true})
}

// row adds a field with its label in the grey label column beside it.
func (b *builder) row(label, note string, f Field) {
	b.print(Element{Kind: RectElement, Box: Box{labelX, f.Box.Y, labelW, f.Box.H}, Gray: true})
	size := 3.4
	y := f.Box.Y + f.Box.H/2 - size*0.55
	if note != "" {
		y -= 1.6
		b.print(Element{Kind: TextElement, Box: Box{labelX + 1.5, y + size*1.3, labelW - 2, 3}, Text: note, SizeMM: 2.2})
	}
	b.print(Element{Kind: TextElement, Box: Box{labelX + 1.5, y, labelW - 2, size * 1.4}, Text: label, SizeMM: size})
	b.field(f)
}

// labelAt prints a label to the left of a box that is not in the label
// column (e.g. the signature box beside the date).
func (b *builder) labelAt(x float64, label string, f Field) {
	b.print(Element{Kind: TextElement, Box: Box{x, f.Box.Y + f.Box.H/2 - 1.9, f.Box.X - x - 1, 4.8}, Text: label, SizeMM: 3.4})
}

func (b *builder) field(f Field) { b.t.Fields = append(b.t.Fields, f) }

// check adds a checkbox at (x, y) with its label printed to the right.
func (b *builder) check(x, y float64, id, label, group string, size float64) {
	b.field(Field{ID: id, Kind: Checkbox, Label: label, Box: Box{x, y, checkMM, checkMM}, Group: group})
	lx := x + checkMM + 1.5
	b.print(Element{Kind: TextElement, Box: Box{lx, y + checkMM/2 - size*0.55, rightX - lx, size * 1.4}, Text: label, SizeMM: size})
}

func (b *builder) slot(label, name string, y, h, size float64) {
	b.print(Element{Kind: RectElement, Box: Box{labelX, y, labelW, h}, Gray: true})
	b.print(Element{Kind: TextElement, Box: Box{labelX + 1.5, y + h/2 - 1.7, labelW - 2, 4.4}, Text: label, SizeMM: 3.1})
	b.print(Element{Kind: RectElement, Box: Box{inputX, y, inputW, h}})
	b.print(Element{Kind: SlotElement, Box: Box{inputX + 2, y + h/2 - size*0.7, inputW - 4, size * 1.4}, Text: name, SizeMM: size})
}

func (b *builder) officeBox(x, y, w, h float64, title string) {
	b.print(Element{Kind: RectElement, Box: Box{x, y, w, h}})
	b.print(Element{Kind: TextElement, Box: Box{x + 1.5, y + 1.5, w - 3, 4}, Text: title, SizeMM: 2.8})
}

func (b *builder) instructions(y float64) {
	for i, s := range []string{
		"・黒のボールペンで、はっきりと記入してください（消せるペンは使えません）。",
		"・該当する□にレ印を付けてください。＊欄は記入しないでください。",
		"・日付は和暦（令和７年４月１日）でも西暦（2025年4月1日）でも構いません。",
	} {
		b.text(labelX, y+float64(i)*4.2, 150, 2.9, s)
	}
}

func (b *builder) footer() {
	b.text(20, 280.5, 170, 2.4, "この用紙に記載された個人情報は、公的個人認証サービスの事務以外には使用しません。")
}

// applicantBlock is the 本人 block shared by the application and the
// revocation notice, starting at y.
func (b *builder) applicantBlock(y float64) {
	b.row("フリガナ", "", Field{ID: "applicant_kana", Kind: Text, Label: "申請者フリガナ", Box: Box{inputX, y, inputW, 10}, Charset: Katakana, Required: true})
	b.row("氏名", "", Field{ID: "applicant_name", Kind: Text, Label: "申請者氏名", Box: Box{inputX, y + 12, inputW, 13}, Charset: Kanji, Required: true})
	birth := Field{ID: "applicant_birth_date", Kind: Date, Label: "申請者生年月日", Box: Box{inputX, y + 27, 80, 12}, Required: true}
	b.row("生年月日", "和暦・西暦", birth)
	b.text(133, y+30.5, 15, 3.4, "性別")
	b.check(150, y+30.5, "applicant_sex_male", "男", "sex", 3.4)
	b.check(168, y+30.5, "applicant_sex_female", "女", "sex", 3.4)
	b.row("住所", "", Field{ID: "applicant_address", Kind: Text, Label: "申請者住所", Box: Box{inputX, y + 41, inputW, 13}, Charset: Kanji, Required: true})
	b.row("電話番号", "", Field{ID: "applicant_phone", Kind: Text, Label: "申請者電話番号", Box: Box{inputX, y + 56, 80, 10}, Charset: Digits})
}

func (b *builder) dateAndSignature(y float64) {
	b.row("申請日", "", Field{ID: "application_date", Kind: Date, Label: "申請日", Box: Box{inputX, y, 70, 12}, Required: true})
	sig := Field{ID: "applicant_signature", Kind: Signature, Label: "申請者署名", Box: Box{137, y, 58, 18}, Required: true}
	b.labelAt(121, "署名", sig)
	b.text(121, y+12.5, 16, 2.0, "自署または")
	b.text(121, y+15, 16, 2.0, "記名押印")
	b.field(sig)
}

// top prints the title, the instructions and section 1, which certificates:
// the same on the application and the revocation notice.
func (b *builder) top(titleSize float64, section1 string) {
	b.title(13, titleSize, b.t.Title)
	b.instructions(24)
	b.heading(40, section1, 168)
	b.check(20, 49, "cert_signature", "署名用電子証明書", "certificates", 3.6)
	b.check(90, 49, "cert_user", "利用者証明用電子証明書", "certificates", 3.6)
}

func application() *Template {
	b := newBuilder("jpki-application", "電子証明書 新規発行・更新申請書")
	b.top(6, "1　申請する電子証明書（該当するものすべてにレ印）")

	b.heading(58, "2　申請の種類（どちらか一つにレ印）", rightX)
	b.check(20, 67, "action_new", "新規発行", "action", 3.6)
	b.check(90, 67, "action_renew", "更新", "action", 3.6)

	b.heading(76, "3　申請者（本人）", rightX)
	b.applicantBlock(84)

	b.heading(153, "4　申請日・署名", rightX)
	b.dateAndSignature(161)

	b.heading(184, "5　代理人（代理人が申請する場合のみ記入）", rightX)
	b.row("フリガナ", "", Field{ID: "proxy_kana", Kind: Text, Label: "代理人フリガナ", Box: Box{inputX, 192, inputW, 10}, Charset: Katakana})
	b.row("氏名", "", Field{ID: "proxy_name", Kind: Text, Label: "代理人氏名", Box: Box{inputX, 204, inputW, 13}, Charset: Kanji})
	b.row("住所", "", Field{ID: "proxy_address", Kind: Text, Label: "代理人住所", Box: Box{inputX, 219, inputW, 13}, Charset: Kanji})
	b.row("電話番号", "", Field{ID: "proxy_phone", Kind: Text, Label: "代理人電話番号", Box: Box{inputX, 234, 70, 10}, Charset: Digits})
	rel := Field{ID: "proxy_relationship", Kind: Text, Label: "本人との関係", Box: Box{150, 234, 45, 10}, Charset: Kanji}
	b.labelAt(121, "本人との関係", rel)
	b.field(rel)
	b.print(Element{Kind: RectElement, Box: Box{labelX, 246, labelW, 15}, Gray: true})
	b.text(labelX+1.5, 248, labelW-2, 3.1, "代理人の")
	b.text(labelX+1.5, 253, labelW-2, 3.1, "本人確認書類")
	for i, id := range []struct{ id, label string }{
		{"proxy_id_mynumber", "マイナンバーカード"}, {"proxy_id_license", "運転免許証"}, {"proxy_id_passport", "パスポート"},
		{"proxy_id_driving_history", "運転経歴証明書"}, {"proxy_id_residence_card", "在留カード"}, {"proxy_id_special_permanent", "特別永住者証明書"},
	} {
		b.check(inputX+2+float64(i%3)*50, 247+float64(i/3)*8, id.id, id.label, "proxy_id", 3.2)
	}
	b.row("代理人署名", "", Field{ID: "proxy_signature", Kind: Signature, Label: "代理人署名", Box: Box{inputX, 263, 88, 14}})
	b.officeBox(140, 263, 55, 14, "＊受付")
	b.footer()
	return b.t
}

func answer() *Template {
	b := newBuilder("jpki-answer", "署名用電子証明書・利用者証明用電子証明書 新規発行・更新 照会書兼回答書")
	b.title(12, 4.6, "署名用電子証明書・利用者証明用電子証明書")
	b.title(19.5, 6, "新規発行・更新　照会書兼回答書")
	b.print(Element{Kind: RectElement, Box: Box{labelX, 28.5, 22, 6.5}})
	b.print(Element{Kind: TextElement, Box: Box{labelX + 1.5, 29.5, 20, 5}, Text: "転送不要", SizeMM: 3.8, Bold: true})

	ref := Field{ID: "case_ref", Kind: CaseRef, Label: "照会番号", Box: Box{inputX, 37, 70, 11}, Charset: Digits, Required: true}
	b.row("照会番号", "", ref)

	b.heading(51, "照会内容", rightX)
	b.slot("申請者氏名", "person_name", 59, 10, 5)
	b.slot("住所", "person_address", 71, 9, 3.8)
	b.slot("申請内容", "certs", 82, 9, 3.8)
	b.slot("受付日・作成日", "dates", 93, 9, 3.6)
	for i, s := range []string{
		"あなたの代理人から、上記の電子証明書の発行申請がありました。この申請があなたの意思に基づく",
		"ものであれば、下の回答欄と暗証番号欄にご本人が記入し、この照会書兼回答書を代理人に渡して",
		"ください。代理人は、この回答書とあなたのマイナンバーカードを持って、もう一度窓口にお越しください。",
	} {
		b.text(labelX, 105+float64(i)*4.6, 180, 3.1, s)
	}

	b.heading(121, "回答欄（ご本人が記入してください）", rightX)
	b.check(20, 129.5, "answer_confirm", "上記の申請は私の意思に基づくものであり、代理人に手続きを委任します。", "", 3.3)
	b.row("回答日", "", Field{ID: "answer_date", Kind: Date, Label: "回答日", Box: Box{inputX, 138, 70, 12}, Required: true})
	b.row("本人署名", "", Field{ID: "person_signature", Kind: Signature, Label: "本人署名", Box: Box{inputX, 152, 110, 16}, Required: true})
	b.row("代理人氏名", "", Field{ID: "proxy_name", Kind: Text, Label: "代理人氏名", Box: Box{inputX, 170, 110, 13}, Charset: Kanji, Required: true})

	b.heading(187, "暗証番号（1マスに1文字ずつ。消せるペンは使えません）", rightX)
	b.row("署名用", "英大文字・数字6〜16文字", Field{ID: "pin_signature", Kind: PIN, Label: "署名用電子証明書の暗証番号", Box: Box{inputX, 196, 144, 12}, Cells: 16, Charset: Alnum})
	b.row("利用者証明用", "数字4桁", Field{ID: "pin_user", Kind: PIN, Label: "利用者証明用電子証明書の暗証番号", Box: Box{inputX, 211, 40, 12}, Cells: 4, Charset: Digits})
	b.text(inputX+45, 213, 100, 2.6, "申請された電子証明書の欄だけ記入してください。")
	for i, s := range []string{
		"※暗証番号は他人に知られないようにしてください。この回答書は市で厳重に取り扱い、",
		"　読み取りの際に暗証番号欄を黒く塗りつぶして保存します。",
	} {
		b.text(labelX, 227+float64(i)*4.2, 180, 2.8, s)
	}
	b.officeBox(120, 240, 75, 35, "＊市使用欄")
	b.footer()
	return b.t
}

func revocation() *Template {
	b := newBuilder("jpki-revocation", "電子証明書 失効申請書・秘密鍵漏えい等届出書")
	b.top(5.4, "1　対象の電子証明書（該当するものすべてにレ印）")

	b.heading(58, "2　届出の種類（どちらか一つにレ印）", rightX)
	b.check(20, 67, "request_revoke", "失効申請（電子証明書が不要になった）", "request", 3.4)
	b.check(110, 67, "request_compromise", "秘密鍵漏えい等届出", "request", 3.4)
	b.text(20, 75.5, 120, 3.0, "漏えい等の理由（届出の場合、該当するものすべてにレ印）")
	b.check(20, 81, "reason_leak", "暗証番号等が他人に知られた", "reason", 3.2)
	b.check(95, 81, "reason_theft", "盗難", "reason", 3.2)
	b.check(125, 81, "reason_loss", "紛失", "reason", 3.2)
	b.check(155, 81, "reason_damage", "破損", "reason", 3.2)

	b.heading(92, "3　申請者（本人）", rightX)
	b.applicantBlock(100)

	b.heading(170, "4　申請日・署名", rightX)
	b.dateAndSignature(178)
	b.officeBox(120, 205, 75, 35, "＊受付・処理欄")
	b.footer()
	return b.t
}
