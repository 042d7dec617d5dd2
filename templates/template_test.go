package templates_test

import (
	"errors"
	"strings"
	"testing"

	"shinsei/templates"
)

func TestBuiltin(t *testing.T) {
	r := templates.Builtin()
	var ids []string
	for _, tp := range r.List() {
		ids = append(ids, tp.Key())
		if err := tp.Validate(); err != nil {
			t.Error(err)
		}
	}
	if got := strings.Join(ids, " "); got != "jpki-answer@1 jpki-application@1 jpki-revocation@1" {
		t.Errorf("templates = %s", got)
	}
}

// The field ids other code (rules, matching, the generator) relies on.
func TestBuiltinFieldIDs(t *testing.T) {
	want := map[string][]string{
		"jpki-application": {"cert_signature", "cert_user", "action_new", "action_renew", "applicant_name",
			"applicant_kana", "applicant_birth_date", "applicant_sex_male", "applicant_sex_female", "applicant_address",
			"applicant_phone", "application_date", "applicant_signature", "proxy_name", "proxy_kana", "proxy_address",
			"proxy_phone", "proxy_relationship", "proxy_id_mynumber", "proxy_id_license", "proxy_id_passport",
			"proxy_id_driving_history", "proxy_id_residence_card", "proxy_id_special_permanent", "proxy_signature"},
		"jpki-answer": {"case_ref", "answer_confirm", "answer_date", "person_signature", "proxy_name", "pin_signature", "pin_user"},
		"jpki-revocation": {"cert_signature", "cert_user", "request_revoke", "request_compromise", "reason_leak",
			"reason_theft", "reason_loss", "reason_damage", "applicant_name", "applicant_kana", "applicant_birth_date",
			"applicant_sex_male", "applicant_sex_female", "applicant_address", "applicant_phone", "application_date",
			"applicant_signature"},
	}
	groups := map[string]string{"cert_signature": "certificates", "cert_user": "certificates", "action_new": "action",
		"action_renew": "action", "applicant_sex_male": "sex", "proxy_id_passport": "proxy_id", "request_revoke": "request",
		"reason_loss": "reason"}
	r := templates.Builtin()
	for id, fields := range want {
		tp, err := r.Get(id, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, fid := range fields {
			f, ok := tp.Field(fid)
			if !ok {
				t.Errorf("%s lacks field %q", id, fid)
				continue
			}
			if g, ok := groups[fid]; ok && f.Group != g {
				t.Errorf("%s.%s group %q, want %q", id, fid, f.Group, g)
			}
		}
	}
	ans, _ := r.Get("jpki-answer", 1)
	for fid, cells := range map[string]int{"pin_signature": 16, "pin_user": 4} {
		f, _ := ans.Field(fid)
		if f.Kind != templates.PIN || f.Cells != cells || f.Box.W/float64(f.Cells) < 7 {
			t.Errorf("%s: kind %s, %d cells of %.1f mm; want pin, %d cells ≥ 7 mm", fid, f.Kind, f.Cells, f.Box.W/float64(f.Cells), cells)
		}
	}
}

// Writing boxes are big enough for handwriting.
func TestBoxSizes(t *testing.T) {
	for _, tp := range templates.Builtin().List() {
		for _, f := range tp.Fields {
			switch f.Kind {
			case templates.Text, templates.Date:
				if strings.HasSuffix(f.ID, "_name") && f.Box.H < 10 {
					t.Errorf("%s.%s is %g mm high, want ≥ 10", tp.ID, f.ID, f.Box.H)
				}
				if f.Box.H < 10 {
					t.Errorf("%s.%s is %g mm high, want ≥ 10", tp.ID, f.ID, f.Box.H)
				}
			case templates.Checkbox:
				if f.Box.W < 4.5 || f.Box.H < 4.5 {
					t.Errorf("%s.%s checkbox is %gx%g mm", tp.ID, f.ID, f.Box.W, f.Box.H)
				}
			}
		}
	}
}

func TestValidateRejects(t *testing.T) {
	base := func() *templates.Template {
		return &templates.Template{ID: "t", Revision: 1, Title: "T", Page: templates.Page{WidthMM: 210, HeightMM: 297},
			Fields: []templates.Field{
				{ID: "a", Kind: templates.Checkbox, Label: "A", Box: templates.Box{X: 50, Y: 100, W: 5, H: 5}, Group: "g"},
				{ID: "b", Kind: templates.Checkbox, Label: "B", Box: templates.Box{X: 70, Y: 100, W: 5, H: 5}, Group: "g"},
				{ID: "n", Kind: templates.Text, Label: "N", Box: templates.Box{X: 50, Y: 120, W: 100, H: 12}, Charset: templates.Kanji},
			}}
	}
	for _, c := range []struct {
		name   string
		mutate func(*templates.Template)
		want   string
	}{
		{"duplicate id", func(t *templates.Template) { t.Fields[1].ID = "a" }, "used twice"},
		{"overlap", func(t *templates.Template) { t.Fields[1].Box.X = 52 }, "overlap"},
		{"outside page", func(t *templates.Template) { t.Fields[2].Box.X = 150 }, "not inside the page"},
		{"on a fiducial", func(t *templates.Template) { t.Fields[2].Box = templates.Box{X: 5, Y: 5, W: 20, H: 12} }, "registration marks"},
		{"on the QR code", func(t *templates.Template) { t.Fields[2].Box = templates.Box{X: 150, Y: 20, W: 30, H: 12} }, "registration marks"},
		{"unknown kind", func(t *templates.Template) { t.Fields[2].Kind = "scribble" }, "unknown kind"},
		{"text without charset", func(t *templates.Template) { t.Fields[2].Charset = "" }, "charset"},
		{"mixed group", func(t *templates.Template) { t.Fields[2].Group = "g" }, "mixes"},
		{"lonely checkbox group", func(t *templates.Template) { t.Fields[1].Group = "h" }, "only one box"},
		{"not A4", func(t *templates.Template) { t.Page.WidthMM = 216 }, "A4"},
		{"narrow PIN cells", func(t *templates.Template) {
			t.Fields[2] = templates.Field{ID: "p", Kind: templates.PIN, Label: "P", Box: templates.Box{X: 50, Y: 120, W: 60, H: 12}, Cells: 16, Charset: templates.Digits}
		}, "cells"},
		{"no revision", func(t *templates.Template) { t.Revision = 0 }, "revision"},
	} {
		tp := base()
		if err := tp.Validate(); err != nil {
			t.Fatalf("base template invalid: %v", err)
		}
		c.mutate(tp)
		err := tp.Validate()
		if !errors.Is(err, templates.ErrInvalidTemplate) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want ErrInvalidTemplate mentioning %q", c.name, err, c.want)
		}
	}
}

func TestRegistry(t *testing.T) {
	r := templates.Builtin()
	if _, err := r.Get("jpki-application", 0); err != nil {
		t.Error(err)
	}
	if _, err := r.Get("jpki-application", 2); !errors.Is(err, templates.ErrUnknownTemplate) {
		t.Errorf("unknown revision: err = %v", err)
	}
	if _, err := r.Get("nope", 0); !errors.Is(err, templates.ErrUnknownTemplate) {
		t.Errorf("unknown id: err = %v", err)
	}
	tp, _ := r.Get("jpki-answer", 1)
	if err := r.Register(tp); !errors.Is(err, templates.ErrInvalidTemplate) {
		t.Errorf("registering a revision twice: err = %v", err)
	}
}

func TestQRPayload(t *testing.T) {
	p := templates.QRPayload{Template: "jpki-answer", Revision: 1, CaseRef: "1234-5678-9"}
	got, err := templates.ParseQRPayload(p.String())
	if err != nil || got != p {
		t.Errorf("round trip: %+v, %v", got, err)
	}
	for _, s := range []string{"", "hello", "SHINSEI1|x", "SHINSEI1||1|", "SHINSEI1|x|zero|", "OTHER|jpki-answer|1|"} {
		if _, err := templates.ParseQRPayload(s); !errors.Is(err, templates.ErrNotShinseiQR) {
			t.Errorf("ParseQRPayload(%q): err = %v", s, err)
		}
	}
}
