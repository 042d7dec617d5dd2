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
	"app":                 {"申請書処理", "Form processing"},
	"login":               {"ログイン", "Log in"},
	"logout":              {"ログアウト", "Log out"},
	"name":                {"利用者名", "User name"},
	"password":            {"パスワード", "Password"},
	"login.bad":           {"利用者名またはパスワードが違います。", "Wrong user name or password."},
	"login.limited":       {"ログインの失敗が続いたため、しばらくお待ちください。", "Too many failed logins: wait a while before trying again."},
	"switch":              {"English", "日本語"},
	"queue":               {"確認待ち", "Review queue"},
	"queue.empty":         {"確認待ちの書類はありません。", "No pages wait for review."},
	"queue.taken":         {"担当中", "in review by"},
	"station":             {"窓口", "Station"},
	"form":                {"様式", "Form"},
	"all":                 {"すべて", "all"},
	"filter":              {"絞り込み", "Filter"},
	"archived":            {"受付日時", "Archived"},
	"issues":              {"要確認", "Issues"},
	"open":                {"開く", "Open"},
	"review":              {"確認", "Review"},
	"review.help":         {"Enter: 確定　文字を入力: 訂正　Tab: 次の項目　Space: チェックの切替　Esc: 差し戻し", "Enter: confirm · type: correct · Tab: next field · Space: toggle a check box · Esc: reject"},
	"field":               {"項目", "Field"},
	"value":               {"読み取り値", "Value read"},
	"confirm":             {"確定", "Confirm"},
	"reject":              {"差し戻し", "Reject"},
	"reject.reason":       {"差し戻しの理由", "Reason for rejecting"},
	"claimed":             {"この書類は他の確認者が確認中です。", "Another reviewer has this page."},
	"claim.lost":          {"確認の時間切れです。もう一度開いてください。", "Your hold on this page expired: open it again."},
	"reviewed":            {"この書類は確認済みです。", "This page has been reviewed already."},
	"final":               {"確定した記録", "Final record"},
	"status":              {"状態", "Status"},
	"status.accepted":     {"受理", "accepted"},
	"status.needs_review": {"要確認", "needs review"},
	"status.rejected":     {"差し戻し", "rejected"},
	"next":                {"次の書類へ", "Next page"},
	"archive":             {"書庫検索", "Archive search"},
	"search":              {"検索", "Search"},
	"reason":              {"閲覧の理由", "Reason for reading"},
	"reason.help":         {"閲覧はすべて理由とともに記録されます。", "Every read is recorded with its reason."},
	"reason.required":     {"理由を入力してください。", "Give a reason."},
	"case":                {"事案番号", "Case"},
	"from":                {"開始日", "From"},
	"to":                  {"終了日", "To"},
	"person":              {"氏名またはフリガナ", "Name or kana"},
	"results":             {"検索結果", "Results"},
	"results.none":        {"該当する書類はありません。", "No document matches."},
	"document":            {"書類", "Document"},
	"source":              {"ファイル", "File"},
	"view":                {"閲覧", "View"},
	"forbidden":           {"この操作の権限がありません。", "Your role does not allow this."},
	"notfound":            {"見つかりません。", "Not found."},
	"error":               {"処理できませんでした。管理者に連絡してください。", "Something went wrong: tell the administrator."},
	"csrf":                {"フォームの有効期限が切れました。ページを開き直してください。", "The form expired: open the page again."},
	"home.admin":          {"利用者の管理は shinsei users コマンドで行います。", "Accounts are managed with the shinsei users command."},
	"role":                {"役割", "Role"},
	"page":                {"ページ", "Page"},
	"none":                {"なし", "none"},
	"cases":               {"窓口事案", "Case desk"},
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
