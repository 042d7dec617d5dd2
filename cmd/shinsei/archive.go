package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"shinsei/forms"
	"shinsei/pipeline/archive"
)

// whyRecorded is said to anyone who reads the archive without saying who
// they are or why: the answer is the privacy rules, not a whim of the tool.
const whyRecorded = "every read of the archive is recorded (who, when, which documents, why), as the city's privacy rules require"

func archiveCommand() *command {
	var (
		q        archive.Query
		from, to string
		asJSON   bool
		asCSV    bool
		user     string
		reason   string
		out      string
		original bool
	)
	return &command{
		name: "archive", args: "search [--case ID] [--form ID] [--status S] [--station S] [--name NAME] [--from DAY] [--to DAY] [--json|--csv] | get ID... --out DIR [--original]  (both: --reason WHY)",
		summary: "find and export archived documents (every read is audited)",
		details: `Subcommands:
  archive search [criteria] [--json|--csv] --reason WHY
        list the archived documents matching every criterion given (all of
        them with none): a table, one record per line with --json (JSON
        Lines), or CSV for Excel with --csv (UTF-8 with BOM)
  archive get ID... --out DIR [--original] --reason WHY
        write each document's record (DIR/ID.json) and its page, PIN boxes
        blacked out (DIR/ID.pdf); with --original also the scanned file,
        where one was kept (DIR/ID-<file name>), recorded as a read of its own

Both are reads of personal data: each is recorded in the audit log with
--user (default $SHINSEI_USER, then $USER), the time, the documents and
--reason, before anything is shown. Days (--from, --to) are archive days, YYYY-MM-DD, both
included. --name finds a name or its reading (kanji, katakana or hiragana)
through the keyed-hash name index, which needs the index key
($SHINSEI_INDEX_KEY or $SHINSEI_INDEX_KEY_FILE; also when scanning, or names
are not indexed). docs/archive.md describes the archive.`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&q.Case, "case", "", "search: documents of this proxy case `ID`")
			fs.StringVar(&q.Form, "form", "", "search: documents of this form (template `ID`, or \"unknown\")")
			fs.StringVar(&q.Status, "status", "", "search: documents with this `status`: accepted, needs_review or rejected")
			fs.StringVar(&q.Station, "station", "", "search: documents scanned at this `station`")
			fs.StringVar(&q.Name, "name", "", "search: documents naming this person (applicant or proxy), by `name` or reading (needs the index key)")
			fs.StringVar(&from, "from", "", "search: archived on or after this `day` (YYYY-MM-DD)")
			fs.StringVar(&to, "to", "", "search: archived on or before this `day` (YYYY-MM-DD)")
			fs.BoolVar(&asJSON, "json", false, "search: print one record per line (JSON Lines)")
			fs.BoolVar(&asCSV, "csv", false, "search: print CSV for Excel (UTF-8 with BOM, CRLF)")
			fs.StringVar(&out, "out", "", "get: write the documents into this `folder`")
			fs.BoolVar(&original, "original", false, "get: also write the scanned file as it came, where one was kept (recorded as its own read)")
			fs.StringVar(&user, "user", "", "`NAME` of who is reading, for the audit log (default $SHINSEI_USER, then $USER)")
			fs.StringVar(&reason, "reason", "", "`WHY` you read: recorded in the audit log with every read (required)")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) == 0 {
				return usageErrorf("archive: want search or get ID (see 'shinsei help archive')")
			}
			sub, args := args[0], args[1:]
			if sub != "search" && sub != "get" {
				return usageErrorf("archive: unknown subcommand %q: want search or get", sub)
			}
			if user == "" {
				user = envUser(e)
			}
			if strings.TrimSpace(user) == "" {
				return usageErrorf("archive %s: --user NAME is required (and neither $SHINSEI_USER nor $USER is set): %s", sub, whyRecorded)
			}
			if strings.TrimSpace(reason) == "" {
				return usageErrorf("archive %s: --reason WHY is required: %s", sub, whyRecorded)
			}
			searching := q != (archive.Query{}) || from != "" || to != "" || asJSON || asCSV
			switch {
			case sub == "get" && searching:
				return usageErrorf("archive get: --case, --form, --status, --station, --name, --from, --to, --json and --csv are for search")
			case asJSON && asCSV:
				return usageErrorf("archive search: --json or --csv, not both")
			case sub == "search" && (out != "" || original):
				return usageErrorf("archive search: --out and --original are for get")
			}
			switch sub {
			case "search":
				if len(args) != 0 {
					return usageErrorf("archive search takes no arguments, only flags (see 'shinsei help archive')")
				}
				var err error
				if q.From, err = parseArchiveDay("--from", from); err != nil {
					return err
				}
				if q.To, err = parseArchiveDay("--to", to); err != nil {
					return err
				}
				q.Who, q.Why = user, reason
				format := "table"
				if asJSON {
					format = "json"
				} else if asCSV {
					format = "csv"
				}
				return archiveSearch(ctx, e, q, format)
			default:
				if len(args) == 0 {
					return usageErrorf("archive get: want at least one document ID (see 'shinsei archive search')")
				}
				if out == "" {
					return usageErrorf("archive get: --out DIR is required: the folder to write ID.json and ID.pdf into")
				}
				return archiveGet(ctx, e, args, out, user, reason, original)
			}
		},
	}
}

// parseArchiveDay reads a YYYY-MM-DD day in local time, the calendar staff use
// and the one the archive dates entries by.
func parseArchiveDay(flagName, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation("2006-01-02", s, time.Local)
	if err != nil {
		return time.Time{}, usageErrorf("%s %q: want a day as YYYY-MM-DD", flagName, s)
	}
	return d, nil
}

// openArchive opens the archive in the store named by --store.
func openArchive(ctx context.Context, e *env) (*archive.Archive, func(), error) {
	s, err := openStore(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	key, err := indexKey(e)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return archive.New(s, archive.Options{Log: e.log, IndexKey: key}), func() { s.Close() }, nil
}

// archiveError gives errors that are the user's doing exit code 2.
func archiveError(err error) error {
	if errors.Is(err, archive.ErrNoReason) || errors.Is(err, archive.ErrInvalidID) || errors.Is(err, archive.ErrInvalidQuery) || errors.Is(err, archive.ErrNoIndexKey) {
		return &codeError{exitUsage, err}
	}
	return err
}

func archiveSearch(ctx context.Context, e *env, q archive.Query, format string) error {
	a, closeStore, err := openArchive(ctx, e)
	if err != nil {
		return err
	}
	defer closeStore()
	recs, err := a.Search(ctx, q)
	if err != nil {
		return archiveError(fmt.Errorf("archive search: %w", err))
	}
	switch format {
	case "json":
		return archive.WriteJSONL(e.stdout, recs)
	case "csv":
		return archive.WriteCSV(e.stdout, recs)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DOCUMENT\tFORM\tSTATUS\tCASE\tSOURCE")
	for _, r := range recs {
		form := archive.UnknownForm
		if r.Template != nil {
			form = fmt.Sprintf("%s@%d", r.Template.ID, r.Template.Revision)
		}
		caseID := "-"
		if r.Case != nil && r.Case.ID != "" {
			caseID = r.Case.ID
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s p.%d\n", r.DocumentID, form, r.Status, caseID, r.Source.Name, r.Source.Page)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "%d document(s); this search is recorded in the audit log.\n", len(recs))
	return nil
}

func archiveGet(ctx context.Context, e *env, ids []string, dir, user, reason string, original bool) error {
	for _, id := range ids {
		if !archive.ValidID(id) {
			return usageErrorf("archive get: %q is not a document ID (like 539f631247919ee523fd787c-p2; see 'shinsei archive search')", id)
		}
	}
	a, closeStore, err := openArchive(ctx, e)
	if err != nil {
		return err
	}
	defer closeStore()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("archive get: %w", err)
	}
	for _, id := range ids {
		rec, pdf, err := a.Get(ctx, id, user, reason)
		if err != nil {
			return archiveError(fmt.Errorf("archive get: %w", err))
		}
		if err := writeArchiveExport(dir, id, rec, pdf); err != nil {
			return fmt.Errorf("archive get %s: %w", id, err)
		}
		if pdf == nil {
			fmt.Fprintf(e.stdout, "%s: %s (the page could not be decoded when scanned: no page was archived)\n", id, filepath.Join(dir, id+".json"))
		} else {
			fmt.Fprintf(e.stdout, "%s: %s %s\n", id, filepath.Join(dir, id+".json"), filepath.Join(dir, id+".pdf"))
		}
		if original {
			if err := exportOriginal(ctx, e, a, dir, id, user, reason); err != nil {
				return err
			}
		}
	}
	return nil
}

// exportOriginal writes the scanned file kept for id, read through the
// archive's audited path; a document without one says so.
func exportOriginal(ctx context.Context, e *env, a *archive.Archive, dir, id, user, reason string) error {
	name, data, err := a.Original(ctx, id, user, reason)
	if errors.Is(err, archive.ErrNoOriginal) {
		fmt.Fprintf(e.stdout, "%s: no scanned file was kept (only a one-image file of a form without PIN boxes is)\n", id)
		return nil
	}
	if err != nil {
		return archiveError(fmt.Errorf("archive get %s --original: %w", id, err))
	}
	path := filepath.Join(dir, id+"-"+filepath.Base(name))
	if err := os.WriteFile(path, data, 0o640); err != nil {
		return fmt.Errorf("archive get %s: %w", id, err)
	}
	fmt.Fprintf(e.stdout, "%s: %s (the scanned file)\n", id, path)
	return nil
}

// writeArchiveExport writes one document's files. They hold personal data, so
// they are readable by the user and group only, as in the store.
func writeArchiveExport(dir, id string, rec forms.Record, pdf []byte) error {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, id+".json"), append(data, '\n'), 0o640); err != nil {
		return err
	}
	if pdf == nil {
		return nil
	}
	return os.WriteFile(filepath.Join(dir, id+".pdf"), pdf, 0o640)
}
