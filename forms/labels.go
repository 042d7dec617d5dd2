package forms

// fieldLabel names a field in messages, in Japanese as the form prints it
// and in English. Messages name fields, never echo their text: names,
// addresses and phone numbers are personal data and an issue list travels
// further (logs, exports, reviewers' screens) than the record itself.
func fieldLabel(id string) (ja, en string) {
	switch id {
	case "applicant_birth_date":
		return "申請者生年月日", "applicant's birth date"
	case "application_date":
		return "申請日", "application date"
	case "answer_date":
		return "回答日", "answer date"
	case "applicant_signature":
		return "申請者署名", "applicant's signature"
	case "person_signature":
		return "本人署名", "person's signature"
	case "proxy_name":
		return "代理人氏名", "proxy's name"
	case "proxy_address":
		return "代理人住所", "proxy's address"
	case "proxy_signature":
		return "代理人署名", "proxy's signature"
	case "pin_signature":
		return "署名用電子証明書の暗証番号", "signature certificate PIN"
	case "pin_user":
		return "利用者証明用電子証明書の暗証番号", "user certificate PIN"
	}
	return id, id
}

// newIssue joins the two languages the way every message does: Japanese,
// " / ", English.
func newIssue(field, code, ja, en string) Issue {
	return Issue{Field: field, Code: code, Message: ja + " / " + en}
}
