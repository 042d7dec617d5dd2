package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"shinsei/forms"
	"shinsei/internal/pdfout"
	"shinsei/templates"
)

func templatesCommand() *command {
	var (
		asJSON bool
		fill   string
		caseID string
		out    string
		dpi    float64
	)
	return &command{
		name: "templates", args: "list|show ID|render ID --out F.pdf|F.png",
		summary: "list, describe and print the form templates",
		details: `  templates list [--json]          the forms shinsei knows (id, revision, title)
  templates show ID[@REV] [--json] every field of a form: id, kind, label, box in mm
  templates render ID[@REV] --out F.pdf|F.png [--dpi N] [--fill values.json] [--case REF]
                                   print a blank (or filled) form: PDF is A4 at true
                                   size for printing, PNG is for looking and for tests

A fill file is JSON: {"fields": {"applicant_name": "山田 太郎", "cert_signature": true},
"slots": {"person_name": "山田 太郎"}}. Checkboxes take true/false, other fields text.
PIN cells cannot be filled: shinsei never writes a PIN. --case prints a case reference
(NNNN-NNNN-C) on an answer sheet, in its box and in the QR code.`,
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&asJSON, "json", false, "list, show: print JSON (the contract in docs/templates.md)")
			fs.StringVar(&fill, "fill", "", "render: fill the form from this JSON `file`")
			fs.StringVar(&caseID, "case", "", "render: print this case `reference` on an answer sheet")
			fs.StringVar(&out, "out", "", "render: write to this `file` (.pdf or .png)")
			fs.Float64Var(&dpi, "dpi", templates.CanvasDPI, "render: resolution in dots per inch")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) == 0 {
				return usageErrorf("templates: want list, show ID or render ID (see 'shinsei help templates')")
			}
			reg := templates.Builtin()
			switch args[0] {
			case "list":
				if len(args) != 1 {
					return usageErrorf("templates list takes no arguments")
				}
				return templatesList(e, reg, asJSON)
			case "show":
				if len(args) != 2 {
					return usageErrorf("templates show: want one template ID (see 'shinsei templates list')")
				}
				t, err := lookupTemplate(reg, args[1])
				if err != nil {
					return err
				}
				return templatesShow(e, t, asJSON)
			case "render":
				if len(args) != 2 {
					return usageErrorf("templates render: want one template ID (see 'shinsei templates list')")
				}
				if out == "" {
					return usageErrorf("templates render: --out F.pdf or F.png is required")
				}
				t, err := lookupTemplate(reg, args[1])
				if err != nil {
					return err
				}
				return templatesRender(e, t, renderOptions{fill: fill, caseRef: caseID, out: out, dpi: dpi})
			default:
				return usageErrorf("templates: unknown subcommand %q: want list, show or render", args[0])
			}
		},
	}
}

// lookupTemplate accepts "id" (latest revision) or "id@rev".
func lookupTemplate(reg *templates.Registry, s string) (*templates.Template, error) {
	id, revStr, hasRev := strings.Cut(s, "@")
	rev := 0
	if hasRev {
		n, err := strconv.Atoi(revStr)
		if err != nil || n < 1 {
			return nil, usageErrorf("template %q: revision after @ must be a number ≥ 1", s)
		}
		rev = n
	}
	return reg.Get(id, rev)
}

func templatesList(e *env, reg *templates.Registry, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(reg.List())
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tREVISION\tFIELDS\tTITLE")
	for _, t := range reg.List() {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", t.ID, t.Revision, len(t.Fields), t.Title)
	}
	return tw.Flush()
}

func templatesShow(e *env, t *templates.Template, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(t)
	}
	fmt.Fprintf(e.stdout, "%s revision %d: %s\npage %g x %g mm, %d fields\n\n", t.ID, t.Revision, t.Title, t.Page.WidthMM, t.Page.HeightMM, len(t.Fields))
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FIELD\tKIND\tREQUIRED\tGROUP\tBOX (x, y, w, h mm)\tLABEL")
	for _, f := range t.Fields {
		kind := string(f.Kind)
		if f.Charset != "" {
			kind += "/" + string(f.Charset)
		}
		if f.Cells > 0 {
			kind += fmt.Sprintf(" ×%d", f.Cells)
		}
		req := ""
		if f.Required {
			req = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%g, %g, %g, %g\t%s\n", f.ID, kind, req, f.Group, f.Box.X, f.Box.Y, f.Box.W, f.Box.H, f.Label)
	}
	return tw.Flush()
}

type renderOptions struct {
	fill, caseRef, out string
	dpi                float64
}

// fillFile is the JSON a --fill file holds.
type fillFile struct {
	Fields map[string]any    `json:"fields"`
	Slots  map[string]string `json:"slots"`
}

func templatesRender(e *env, t *templates.Template, o renderOptions) error {
	var v templates.Values
	if o.fill != "" {
		data, err := os.ReadFile(o.fill)
		if err != nil {
			return fmt.Errorf("--fill: %w", err)
		}
		var ff fillFile
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ff); err != nil {
			return fmt.Errorf("--fill %s: not a fill file (want {\"fields\": {...}, \"slots\": {...}}): %w", o.fill, err)
		}
		v = templates.Values{Fields: ff.Fields, Slots: ff.Slots}
	}
	if o.caseRef != "" {
		ref, err := forms.ParseCaseRef(o.caseRef)
		if err != nil {
			return fmt.Errorf("--case: %w", err)
		}
		if _, ok := t.Field("case_ref"); !ok {
			return usageErrorf("--case: %s has no case reference box (only answer sheets do)", t.ID)
		}
		if v.Fields == nil {
			v.Fields = map[string]any{}
		}
		v.Fields["case_ref"] = ref.String()
	}
	ext := strings.ToLower(filepath.Ext(o.out))
	if ext != ".pdf" && ext != ".png" {
		return usageErrorf("--out %s: the file name must end in .pdf or .png", o.out)
	}
	r, err := templates.NewRenderer()
	if err != nil {
		return err
	}
	img, err := r.Render(t, v, o.dpi)
	if err != nil {
		return err
	}
	if err := writePage(o.out, img); err != nil {
		return err
	}
	b := img.Bounds()
	fmt.Fprintf(e.stdout, "%s: %s revision %d, %dx%d px at %g dpi (A4)\n", o.out, t.ID, t.Revision, b.Dx(), b.Dy(), o.dpi)
	return nil
}

// writePage writes a page as PNG or as a one-page A4 PDF, by the file's
// extension, through a temporary file so a failed write leaves nothing half
// written under the name asked for.
func writePage(path string, img *image.Gray) error {
	var buf bytes.Buffer
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png":
		if err := png.Encode(&buf, img); err != nil {
			return err
		}
	case ".pdf":
		if err := pdfout.Write(&buf, []pdfout.Page{{Image: img, WidthMM: templates.PageWidthMM, HeightMM: templates.PageHeightMM}}); err != nil {
			return err
		}
	default:
		return errors.New("unknown output format")
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".shinsei-*")
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("--out: %w", err)
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("--out: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	return nil
}
