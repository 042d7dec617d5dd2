package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/pipeline/audit"
	"shinsei/pipeline/cases"
	"shinsei/templates"
)

// answerTemplate is the form an answer sheet is printed on.
const answerTemplate = "jpki-answer"

// casesRecorded is said to anyone who reads cases without saying who they
// are or why.
const casesRecorded = "a case holds a person's name, birth date and address, and every read of it is recorded (who, when, which cases, why), as the city's privacy rules require"

// sheetReason is the recorded reason of a sheet printed without --reason:
// the procedure says why.
const sheetReason = "照会書兼回答書の印刷（本人への郵送） / answer sheet printed to mail to the person"

// envUser is who runs the command, as the environment says: $SHINSEI_USER
// (a station can set it once for its staff's session), then $USER; "" when
// neither is set.
func envUser(e *env) string {
	if u := strings.TrimSpace(e.getenv("SHINSEI_USER")); u != "" {
		return u
	}
	return strings.TrimSpace(e.getenv("USER"))
}

// casesFlags are the flags of `shinsei cases`; each subcommand takes some.
type casesFlags struct {
	asJSON                                      bool
	name, kana, birth, address, certs, proxyFor string
	status, out, note, by                       string
	user, reason                                string
	dpi                                         float64
}

// casesFlagUse says which subcommands take which flag, so a flag given to
// one it does not apply to is an error rather than silently ignored (a
// --note on "cases list" vanishing would lose what the clerk wrote).
func casesFlagUse(name string) (subs []string, ours bool) {
	switch name {
	case "json":
		return []string{"open", "list", "show", "complete", "cancel"}, true
	case "name", "kana", "birth", "address", "certs", "proxy-name":
		return []string{"open"}, true
	case "status":
		return []string{"list"}, true
	case "out", "dpi":
		return []string{"sheet"}, true
	case "note", "by":
		return []string{"complete", "cancel"}, true
	case "user", "reason":
		return []string{"list", "show", "sheet"}, true
	}
	return nil, false // a global flag
}

// casesArgs is the number of case references each subcommand takes; ok is
// false for an unknown subcommand.
func casesArgs(sub string) (n int, ok bool) {
	switch sub {
	case "open", "list":
		return 0, true
	case "show", "sheet", "complete", "cancel":
		return 1, true
	}
	return 0, false
}

func casesCommand() *command {
	var (
		f  casesFlags
		fs *flag.FlagSet
	)
	return &command{
		name: "cases", args: "open|list|show|sheet|complete|cancel ...",
		summary: "open and follow proxy (代理人) cases",
		details: `A case follows a proxy application from the first visit, when it is opened and its
answer sheet printed, until the certificates are issued at the second visit.

  cases open --name N --birth DATE --address A --certs signature,user [--kana K]
             [--proxy-name P] [--json]
                          open a pending case at the proxy's first visit; DATE may be
                          1985-04-12, 1985/4/12, 昭和60年4月12日 or S60.4.12
  cases list [--status S] [--json] [--user NAME] --reason WHY
                          the cases, oldest first (S: pending, answered, completed,
                          cancelled, expired); --json prints JSON Lines
  cases show ID [--json] [--user NAME] --reason WHY
                          one case with its history
  cases sheet ID --out F.pdf|F.png [--dpi N] [--user NAME] [--reason WHY]
                          print the inquiry/answer sheet (照会書兼回答書) to mail to the
                          person: the case reference in its box and QR code, the
                          person's name and address, the certificates and the dates
  cases complete ID [--note WHY] [--by NAME]
                          the certificates were issued (an answered case only)
  cases cancel ID [--note WHY] [--by NAME]
                          withdraw a pending or answered case

A case holds a person's name, birth date and address, so every command that shows
them records the read in the archive's audit log first (docs/archive.md), as
'archive get' does: list and show need --reason, and all of them a reader, --user
(default $SHINSEI_USER, then $USER). sheet records "answer sheet printed to mail"
unless --reason says otherwise; complete and cancel with --json record the read as
--by (default $SHINSEI_USER, then $USER) with --note as the reason. Scripts audit
too: give them --user and --reason.

ID is the case reference NNNN-NNNN-C, with or without hyphens; its last digit is a
check digit, so a mistyped reference is refused, never taken for another case. A
pending case past its reply deadline reads as expired. Cases are kept in the store
(--store) under cases/ (docs/cases.md).`,
		flags: func(set *flag.FlagSet) {
			fs = set
			set.BoolVar(&f.asJSON, "json", false, "print cases as JSON (the contract in docs/cases.md)")
			set.StringVar(&f.name, "name", "", "open: the person's `name` (氏名)")
			set.StringVar(&f.kana, "kana", "", "open: the `reading` of the name in katakana (フリガナ)")
			set.StringVar(&f.birth, "birth", "", "open: the person's birth `date`, 西暦 or 和暦")
			set.StringVar(&f.address, "address", "", "open: the person's registered `address` (住所), where the sheet is mailed")
			set.StringVar(&f.certs, "certs", "", "open: certificates applied for, comma-separated: `signature,user`")
			set.StringVar(&f.proxyFor, "proxy-name", "", "open: the proxy's `name` (代理人氏名)")
			set.StringVar(&f.status, "status", "", "list: only cases with this `status`")
			set.StringVar(&f.out, "out", "", "sheet: write the answer sheet to this `file` (.pdf or .png)")
			set.Float64Var(&f.dpi, "dpi", templates.CanvasDPI, "sheet: resolution in dots per inch")
			set.StringVar(&f.note, "note", "", "complete, cancel: `why`, recorded in the case's history")
			set.StringVar(&f.by, "by", "", "complete, cancel: `who` did it, recorded in the history (default $SHINSEI_USER, then $USER)")
			set.StringVar(&f.user, "user", "", "list, show, sheet: `NAME` of who is reading, for the audit log (default $SHINSEI_USER, then $USER)")
			set.StringVar(&f.reason, "reason", "", "list, show: `WHY` you read the cases, recorded in the audit log (required); sheet: why it is printed")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) == 0 {
				return usageErrorf("cases: want open, list, show, sheet, complete or cancel (see 'shinsei help cases')")
			}
			sub, args := args[0], args[1:]
			if err := checkCasesFlags(fs, sub); err != nil {
				return err
			}
			return runCases(ctx, e, sub, args, f)
		},
	}
}

// checkCasesFlags refuses flags set on the command line that sub does not
// take.
func checkCasesFlags(fs *flag.FlagSet, sub string) error {
	if fs == nil {
		return nil
	}
	if _, known := casesArgs(sub); !known {
		return usageErrorf("cases: unknown subcommand %q: want open, list, show, sheet, complete or cancel", sub)
	}
	var err error
	fs.Visit(func(fl *flag.Flag) {
		use, ours := casesFlagUse(fl.Name)
		if err == nil && ours && !slices.Contains(use, sub) {
			err = usageErrorf("cases %s: --%s does not apply here (it is for %s)", sub, fl.Name, strings.Join(use, ", "))
		}
	})
	return err
}

func runCases(ctx context.Context, e *env, sub string, args []string, f casesFlags) error {
	if want, _ := casesArgs(sub); len(args) != want {
		if want == 0 {
			return usageErrorf("cases %s takes no arguments (see 'shinsei help cases')", sub)
		}
		return usageErrorf("cases %s: want one case reference, NNNN-NNNN-C", sub)
	}
	var open forms.Case
	switch sub {
	case "open":
		c, err := caseFromFlags(f)
		if err != nil {
			return err
		}
		open = c
	case "list":
		if f.status != "" && !forms.CaseStatus(f.status).Valid() {
			return usageErrorf("cases list: --status %q: want pending, answered, completed, cancelled or expired", f.status)
		}
	case "sheet":
		if f.out == "" {
			return usageErrorf("cases sheet: --out F.pdf or F.png is required")
		}
		if ext := strings.ToLower(filepath.Ext(f.out)); ext != ".pdf" && ext != ".png" {
			return usageErrorf("cases sheet: --out %s: the file name must end in .pdf or .png", f.out)
		}
	}

	// Who reads, for the audit log; checked before the store is opened,
	// so a read that cannot be recorded is refused without touching it.
	user := strings.TrimSpace(f.user)
	if user == "" {
		user = envUser(e)
	}
	by := strings.TrimSpace(f.by)
	if by == "" {
		by = envUser(e)
	}
	switch {
	case (sub == "list" || sub == "show" || sub == "sheet") && user == "":
		return usageErrorf("cases %s: --user NAME is required (and neither $SHINSEI_USER nor $USER is set): %s", sub, casesRecorded)
	case (sub == "list" || sub == "show") && strings.TrimSpace(f.reason) == "":
		return usageErrorf("cases %s: --reason WHY is required: %s", sub, casesRecorded)
	case (sub == "complete" || sub == "cancel") && f.asJSON && by == "":
		return usageErrorf("cases %s --json prints the case: --by NAME is required (and neither $SHINSEI_USER nor $USER is set): %s", sub, casesRecorded)
	}
	if by == "" {
		by = "shinsei"
	}

	s, err := openStore(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	repo := cases.New(s, cases.Options{Log: e.log})
	// record writes the audit entry of a read; nothing is shown when it
	// fails.
	record := func(entry archive.AuditEntry) error {
		if err := archive.New(s, archive.Options{Log: e.log}).RecordRead(ctx, entry); err != nil {
			return archiveError(fmt.Errorf("cases %s: %w", sub, err))
		}
		return nil
	}

	// changed records a change of a case in the audit chain, after it
	// was made: the case's own history says the same, and the chain
	// makes it tamper-evident.
	changed := func(action string, id forms.CaseRef, note string) error {
		if _, err := audit.New(s, audit.Options{Log: e.log}).Record(ctx, audit.Change{Who: by, Action: action, CaseID: string(id), Why: note}); err != nil {
			return fmt.Errorf("cases %s: case %s was changed, but the change could not be recorded in the audit log: %w", sub, id, err)
		}
		return nil
	}

	switch sub {
	case "open":
		c, err := repo.Open(ctx, open)
		if err != nil {
			return fmt.Errorf("cases open: %w", err)
		}
		if err := changed(audit.ActionCaseOpen, c.ID, ""); err != nil {
			return err
		}
		e.log.Info("case opened", "case", c.ID, "store", s.String())
		if f.asJSON {
			return writeCaseJSON(e.stdout, c)
		}
		fmt.Fprintf(e.stdout, "opened case %s for %s: %s, reply by %s\n", c.ID, c.Person.Name, forms.CertsJapanese(c.Certs), dayString(c.LastReplyDay()))
		fmt.Fprintf(e.stdout, "print the answer sheet to mail: shinsei cases sheet %s --out answer-%s.pdf\n", c.ID, c.ID)
		return nil
	case "list":
		list, err := repo.List(ctx, forms.CaseStatus(f.status))
		if err != nil {
			return fmt.Errorf("cases list: %w", err)
		}
		ids := make([]string, 0, len(list))
		for _, c := range list {
			ids = append(ids, string(c.ID))
		}
		if err := record(archive.AuditEntry{Who: user, Why: f.reason, Action: archive.ActionCaseList, CaseIDs: ids, CaseStatus: f.status}); err != nil {
			return err
		}
		if err := printCaseList(e.stdout, list, f.asJSON); err != nil {
			return err
		}
		if !f.asJSON {
			fmt.Fprintf(e.stderr, "%d case(s); this read is recorded in the audit log.\n", len(list))
		}
		return nil
	case "show":
		c, err := repo.Get(ctx, args[0])
		if err != nil {
			return fmt.Errorf("cases show: %w", err)
		}
		// A reference no case has read nothing and is not recorded.
		if err := record(archive.AuditEntry{Who: user, Why: f.reason, Action: archive.ActionCaseShow, CaseID: string(c.ID)}); err != nil {
			return err
		}
		if f.asJSON {
			return writeCaseJSON(e.stdout, c)
		}
		return printCase(e.stdout, c)
	case "sheet":
		why := f.reason
		if strings.TrimSpace(why) == "" {
			why = sheetReason
		}
		return printSheet(ctx, e, repo, args[0], f, func(id forms.CaseRef) error {
			return record(archive.AuditEntry{Who: user, Why: why, Action: archive.ActionCaseSheet, CaseID: string(id)})
		})
	case "complete", "cancel":
		to := forms.CaseCompleted
		if sub == "cancel" {
			to = forms.CaseCancelled
		}
		c, err := repo.Transition(ctx, args[0], to, by, f.note)
		if err != nil {
			return fmt.Errorf("cases %s: %w", sub, err)
		}
		action := audit.ActionCaseComplete
		if to == forms.CaseCancelled {
			action = audit.ActionCaseCancel
		}
		if err := changed(action, c.ID, f.note); err != nil {
			return err
		}
		e.log.Info("case moved", "case", c.ID, "status", c.Status, "by", by)
		if f.asJSON {
			why := f.note
			if strings.TrimSpace(why) == "" {
				why = "cases " + sub
			}
			if err := record(archive.AuditEntry{Who: by, Why: why, Action: archive.ActionCaseChange, CaseID: string(c.ID)}); err != nil {
				return fmt.Errorf("case %s is %s, but it is not shown: %w", c.ID, c.Status, err)
			}
			return writeCaseJSON(e.stdout, c)
		}
		fmt.Fprintf(e.stdout, "case %s: %s\n", c.ID, c.Status)
		return nil
	}
	return nil
}

// certName reads a certificate as a clerk may type it: signature or user,
// or as the form names it. Anything else is returned as given, for
// forms.Case.Validate to name in its refusal.
func certName(s string) string {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case forms.CertSignature, "署名用", "署名用電子証明書":
		return forms.CertSignature
	case forms.CertUser, "利用者証明用", "利用者証明用電子証明書":
		return forms.CertUser
	}
	return s
}

// caseFromFlags builds the case to open. Missing flags are usage errors;
// values the domain refuses are left to forms.Case.Validate (through
// Repo.Open), except the birth date, which is converted here from any
// spelling to the ISO date the case holds.
func caseFromFlags(f casesFlags) (forms.Case, error) {
	var missing []string
	for _, r := range []struct{ flag, val string }{
		{"--name", f.name}, {"--birth", f.birth}, {"--address", f.address}, {"--certs", f.certs},
	} {
		if strings.TrimSpace(r.val) == "" {
			missing = append(missing, r.flag)
		}
	}
	if len(missing) > 0 {
		return forms.Case{}, usageErrorf("cases open: %s required (see 'shinsei help cases')", strings.Join(missing, ", "))
	}
	birth, _, err := forms.ParseDate(f.birth)
	if err != nil {
		return forms.Case{}, fmt.Errorf("cases open: --birth: %w", err)
	}
	var certs []string
	for c := range strings.SplitSeq(strings.ReplaceAll(f.certs, "、", ","), ",") {
		certs = append(certs, certName(c))
	}
	return forms.Case{
		Person: forms.Person{
			Name:      f.name,
			Kana:      f.kana,
			BirthDate: birth.Format(time.DateOnly),
			Address:   f.address,
		},
		Certs:     certs,
		ProxyName: f.proxyFor,
	}, nil
}

// writeCaseJSON prints a case as one line, so list output is JSON Lines
// and show output reads the same way.
func writeCaseJSON(w io.Writer, c forms.Case) error {
	return json.NewEncoder(w).Encode(c)
}

func printCaseList(w io.Writer, list []forms.Case, asJSON bool) error {
	if asJSON {
		for _, c := range list {
			if err := writeCaseJSON(w, c); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tNAME\tOPENED\tDEADLINE")
	for _, c := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.Status, c.Person.Name, clockString(c.OpenedAt), c.LastReplyDay().Format(time.DateOnly))
	}
	return tw.Flush()
}

func printCase(w io.Writer, c forms.Case) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	row("case", string(c.ID))
	row("status", string(c.Status))
	row("name", c.Person.Name)
	if c.Person.Kana != "" {
		row("kana", c.Person.Kana)
	}
	row("born", birthString(c.Person.BirthDate))
	row("address", c.Person.Address)
	row("certificates", fmt.Sprintf("%s (%s)", forms.CertsJapanese(c.Certs), strings.Join(c.Certs, ", ")))
	if c.ProxyName != "" {
		row("proxy", c.ProxyName)
	}
	row("opened", clockString(c.OpenedAt))
	row("reply by", dayString(c.LastReplyDay()))
	if c.SheetPrintedAt != nil {
		row("sheet printed", clockString(*c.SheetPrintedAt))
	} else {
		row("sheet printed", "not yet")
	}
	if c.AnsweredBy != "" {
		row("answered by", c.AnsweredBy)
	}
	if c.Source != "" {
		row("opened from", c.Source)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nhistory:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, ev := range c.History {
		move := string(ev.To)
		if ev.From != "" {
			move = string(ev.From) + " → " + move
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", clockString(ev.At), move, ev.By, ev.Note)
	}
	return tw.Flush()
}

// printSheet renders the answer sheet of a pending case and records that
// it was printed. It refuses other cases: a sheet for a case that is
// answered, closed or expired would invite an answer nobody can accept.
func printSheet(ctx context.Context, e *env, repo *cases.Repo, id string, f casesFlags, record func(forms.CaseRef) error) error {
	c, err := repo.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("cases sheet: %w", err)
	}
	if c.Status != forms.CasePending {
		return fmt.Errorf("cases sheet: case %s is %s: an answer sheet is printed only for a pending case", c.ID, c.Status)
	}
	// The sheet carries the person's name and address: printing it is a
	// read of the case, recorded before the file is written.
	if err := record(c.ID); err != nil {
		return err
	}
	t, err := templates.Builtin().Get(answerTemplate, 0)
	if err != nil {
		return err
	}
	r, err := templates.NewRenderer()
	if err != nil {
		return err
	}
	v, err := cases.SheetValues(c)
	if err != nil {
		return fmt.Errorf("cases sheet: case %s: %w", c.ID, err)
	}
	img, err := r.Render(t, v, f.dpi)
	if err != nil {
		return fmt.Errorf("cases sheet: %w", err)
	}
	if err := writePage(f.out, img); err != nil {
		return fmt.Errorf("cases sheet: %w", err)
	}
	// Recorded after the file is written, so the case never claims a
	// sheet that does not exist; a reprint updates the time.
	printed := time.Now().Round(0).Truncate(time.Second).In(forms.Japan())
	if _, err := repo.Update(ctx, string(c.ID), func(c forms.Case) (forms.Case, error) {
		c.SheetPrintedAt = &printed
		return c, nil
	}); err != nil {
		return fmt.Errorf("cases sheet: %s was written, but recording it on the case failed: %w", f.out, err)
	}
	b := img.Bounds()
	fmt.Fprintf(e.stdout, "%s: answer sheet for case %s (%s revision %d), %dx%d px at %g dpi (A4)\n",
		f.out, c.ID, t.ID, t.Revision, b.Dx(), b.Dy(), f.dpi)
	return nil
}

// clockString shows an instant as counter time.
func clockString(t time.Time) string { return t.In(forms.Japan()).Format("2006-01-02 15:04") }

// dayString shows a calendar date both ways: 2026-12-26 (令和8年12月26日).
func dayString(d time.Time) string {
	s := d.Format(time.DateOnly)
	if w, err := forms.FormatWareki(d); err == nil {
		s += " (" + w + ")"
	}
	return s
}

// birthString shows a stored ISO birth date both ways, or as stored if it
// is somehow not one, rather than hiding the rest of the case.
func birthString(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return dayString(d)
}
