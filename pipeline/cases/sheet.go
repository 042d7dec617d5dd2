package cases

import (
	"shinsei/forms"
	"shinsei/templates"
)

// SheetValues are what an answer sheet prints for a case: the reference
// (in its box and, through the renderer, the QR code) and the slots of the
// 照会内容 block, in the Japanese a letter to a resident uses. The sheet is
// the form forms.TemplateAnswer.
func SheetValues(c forms.Case) (templates.Values, error) {
	opened, err := forms.FormatWareki(c.OpenedAt.In(forms.Japan()))
	if err != nil {
		return templates.Values{}, err
	}
	due, err := forms.FormatWareki(c.LastReplyDay())
	if err != nil {
		return templates.Values{}, err
	}
	return templates.Values{
		Fields: map[string]any{"case_ref": string(c.ID)},
		Slots: map[string]string{
			"person_name":    c.Person.Name,
			"person_address": c.Person.Address,
			// The case does not record 新規発行 or 更新; proxy applications
			// the city mails sheets for are new issuances.
			"certs": forms.CertsJapanese(c.Certs) + "　新規発行",
			"dates": "受付日 " + opened + "　回答期限 " + due,
		},
	}, nil
}
