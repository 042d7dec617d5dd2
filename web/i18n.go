package web

import (
	"net/http"
	"strings"
)

// The UI is in Japanese; a person can switch to English, and the choice is
// kept in a cookie.
const (
	langJA     = "ja"
	langEN     = "en"
	langCookie = "shinsei_lang"
)

func langOf(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && c.Value == langEN {
		return langEN
	}
	return langJA
}

// messages are the UI's words: key → [Japanese, English].
var messages = map[string][2]string{
	"queue.waiting":         {"確認待ちの件数（古い順に表示）", "Pages waiting (oldest shown first)"},
	"case.name":             {"氏名", "Name"},
	"export.csv":            {"CSV（Excel用）で出力", "Export CSV (for Excel)"},
	"export.jsonl":          {"JSON Lines で出力", "Export JSON Lines"},
	"export.pdf":            {"PDF を出力", "Export the PDF"},
	"export.json":           {"記録（JSON）を出力", "Export the record (JSON)"},
	"app":                   {"申請書処理", "Form processing"},
	"login":                 {"ログイン", "Log in"},
	"logout":                {"ログアウト", "Log out"},
	"name":                  {"利用者名", "User name"},
	"password":              {"パスワード", "Password"},
	"login.bad":             {"利用者名またはパスワードが違います。", "Wrong user name or password."},
	"login.limited":         {"ログインの失敗が続いたため、しばらくお待ちください。", "Too many failed logins: wait a while before trying again."},
	"switch":                {"English", "日本語"},
	"queue":                 {"確認待ち", "Review queue"},
	"queue.empty":           {"確認待ちの書類はありません。", "No pages wait for review."},
	"queue.taken":           {"担当中", "in review by"},
	"station":               {"窓口", "Station"},
	"form":                  {"様式", "Form"},
	"all":                   {"すべて", "all"},
	"filter":                {"絞り込み", "Filter"},
	"archived":              {"受付日時", "Archived"},
	"issues":                {"要確認", "Issues"},
	"open":                  {"開く", "Open"},
	"review":                {"確認", "Review"},
	"review.help":           {"Enter: 確定　文字を入力: 訂正　Tab: 次の項目　Space: チェックの切替　Esc: 差し戻し", "Enter: confirm · type: correct · Tab: next field · Space: toggle a check box · Esc: reject"},
	"field":                 {"項目", "Field"},
	"value":                 {"読み取り値", "Value read"},
	"confirm":               {"確定", "Confirm"},
	"reject":                {"差し戻し", "Reject"},
	"reject.reason":         {"差し戻しの理由", "Reason for rejecting"},
	"claimed":               {"この書類は他の確認者が確認中です。", "Another reviewer has this page."},
	"claim.lost":            {"確認の時間切れです。もう一度開いてください。", "Your hold on this page expired: open it again."},
	"reviewed":              {"この書類は確認を必要としていません（確認済みです）。", "This page does not need review (it was reviewed already)."},
	"final":                 {"確定した記録", "Final record"},
	"status":                {"状態", "Status"},
	"status.accepted":       {"受理", "accepted"},
	"status.needs_review":   {"要確認", "needs review"},
	"status.rejected":       {"差し戻し", "rejected"},
	"next":                  {"次の書類へ", "Next page"},
	"archive":               {"書庫検索", "Archive search"},
	"search":                {"検索", "Search"},
	"reason":                {"閲覧の理由", "Reason for reading"},
	"reason.help":           {"閲覧はすべて理由とともに記録されます。", "Every read is recorded with its reason."},
	"reason.required":       {"理由を入力してください。", "Give a reason."},
	"case":                  {"事案番号", "Case"},
	"from":                  {"開始日", "From"},
	"to":                    {"終了日", "To"},
	"person":                {"氏名またはフリガナ", "Name or kana"},
	"results":               {"検索結果", "Results"},
	"results.none":          {"該当する書類はありません。", "No document matches."},
	"document":              {"書類", "Document"},
	"source":                {"ファイル", "File"},
	"view":                  {"閲覧", "View"},
	"forbidden":             {"この操作の権限がありません。", "Your role does not allow this."},
	"notfound":              {"見つかりません。", "Not found."},
	"error":                 {"処理できませんでした。管理者に連絡してください。", "Something went wrong: tell the administrator."},
	"csrf":                  {"フォームの有効期限が切れました。ページを開き直してください。", "The form expired: open the page again."},
	"home.admin":            {"利用者の管理は shinsei users コマンドで行います。", "Accounts are managed with the shinsei users command."},
	"role":                  {"役割", "Role"},
	"page":                  {"ページ", "Page"},
	"none":                  {"なし", "none"},
	"cases":                 {"窓口事案", "Case desk"},
	"review.invalid":        {"入力された値はこの項目に使えません。", "A value given cannot be a value of its field."},
	"printed":               {"回答書に印字された本人", "The person printed on the answer sheet"},
	"printed.name":          {"印字された氏名", "Printed name"},
	"printed.address":       {"印字された住所", "Printed address"},
	"old":                   {"訂正前", "Before"},
	"query.invalid":         {"検索条件を確認してください（日付は YYYY-MM-DD）。", "Check the search (days as YYYY-MM-DD)."},
	"name.unavailable":      {"氏名検索は設定されていません（SHINSEI_INDEX_KEY）。", "Search by name is not configured (SHINSEI_INDEX_KEY)."},
	"case.invalid":          {"氏名・生年月日・住所・証明書を確認してください。", "Check the name, birth date, address and certificates."},
	"case.notpending":       {"回答書は照会中の事案にだけ印刷できます。", "An answer sheet is printed only for a pending case."},
	"case.transition":       {"この事案はその状態にできません。", "The case cannot move to that state."},
	"case.moved.completed":  {"事案を完了しました。", "The case is completed."},
	"case.moved.cancelled":  {"事案を取り消しました。", "The case is cancelled."},
	"case.list":             {"事案一覧", "Cases"},
	"case.open":             {"事案を登録（手入力）", "Open a case by hand"},
	"case.opened":           {"事案を登録しました", "Case opened"},
	"kana":                  {"フリガナ", "Kana"},
	"birth":                 {"生年月日", "Birth date"},
	"address":               {"住所", "Address"},
	"certs":                 {"証明書", "Certificates"},
	"cert.signature":        {"署名用電子証明書", "signature certificate"},
	"cert.user":             {"利用者証明用電子証明書", "user certificate"},
	"proxy":                 {"代理人氏名", "Proxy"},
	"due":                   {"回答期限", "Reply by"},
	"opened":                {"受付日時", "Opened"},
	"sheet":                 {"回答書を印刷", "Print answer sheet"},
	"complete":              {"完了", "Complete"},
	"cancel":                {"取消", "Cancel"},
	"note":                  {"理由・メモ", "Reason / note"},
	"show":                  {"表示", "Show"},
	"case.status.pending":   {"照会中", "pending"},
	"case.status.answered":  {"回答済", "answered"},
	"case.status.completed": {"完了", "completed"},
	"case.status.cancelled": {"取消", "cancelled"},
	"case.status.expired":   {"期限切れ", "expired"},
}

// t returns the UI text for key in lang.
func t(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == langEN {
		return m[1]
	}
	return m[0]
}

// issueText returns one language of an issue message: records carry
// "日本語 / English" (docs/records.md), split at the first " / ".
func issueText(lang, message string) string {
	ja, en, ok := strings.Cut(message, " / ")
	if !ok {
		return message
	}
	if lang == langEN {
		return en
	}
	return ja
}
