package forms

var (
	proxyTextFields = []string{"proxy_kana", "proxy_name", "proxy_address", "proxy_phone", "proxy_relationship"}
	proxyIDFields   = []string{
		"proxy_id_mynumber", "proxy_id_license", "proxy_id_passport",
		"proxy_id_driving_history", "proxy_id_residence_card", "proxy_id_special_permanent",
	}
)

// checkProxy: the proxy block is optional, but once anything in it is
// filled in, someone is applying for the person, and then the proxy's
// name, address and signature and one photo ID type are required. More
// than one ID type marked is fine: DOMAIN.md asks for one valid photo ID,
// and a clerk noting two has still seen one.
func checkProxy(f fieldSet) []Issue {
	if !f.anyText(proxyTextFields...) && !f.anyTrue("proxy_signature") && !f.anyTrue(proxyIDFields...) {
		return nil
	}
	var out []Issue
	for _, id := range []string{"proxy_name", "proxy_address"} {
		if s, ok := f.text(id); ok && s == "" {
			out = append(out, proxyIncomplete(id))
		}
	}
	if v, ok := f.bool("proxy_signature"); ok && !v {
		out = append(out, proxyIncomplete("proxy_signature"))
	}
	if f.allFalse(proxyIDFields...) {
		out = append(out, newIssue(proxyIDFields[0], CodeProxyIDMissing,
			"代理人の本人確認書類が選ばれていません", "no photo ID was marked for the proxy"))
	}
	return out
}

func proxyIncomplete(id string) Issue {
	ja, en := fieldLabel(id)
	return newIssue(id, CodeProxyBlockIncomplete,
		"代理人欄が記入されていますが、"+ja+"がありません", "the proxy block is filled in but the "+en+" is missing")
}
