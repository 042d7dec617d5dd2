package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"

	"shinsei/pipeline/audit"
)

func auditCommand() *command {
	var asJSON bool
	return &command{
		name: "audit", args: "verify [--json]",
		summary: "check that the audit log is whole: no record deleted, changed or reordered",
		details: `"audit verify" reads the whole audit log (audit/chain/ in the store), in
which every record holds the SHA-256 of the one before, and names each record
that was deleted, changed or moved, or is not a record at all. It ends by
printing the last record's number and hash: kept somewhere else (a printout,
another system), they let a later check prove that nothing up to there was
replaced. Exit 0 when the log is whole, 1 when it is not or cannot be read.`,
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&asJSON, "json", false, "print the report as one JSON object")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) != 1 || args[0] != "verify" {
				return usageErrorf("audit: want 'shinsei audit verify'")
			}
			s, err := openStore(ctx, e)
			if err != nil {
				return err
			}
			defer s.Close()
			rep, err := audit.New(s, audit.Options{Log: e.log}).Verify(ctx)
			if err != nil {
				return fmt.Errorf("audit verify: %w", err)
			}
			if asJSON {
				if err := json.NewEncoder(e.stdout).Encode(rep); err != nil {
					return err
				}
			} else {
				for _, p := range rep.Problems {
					fmt.Fprintln(e.stdout, p)
				}
				fmt.Fprintf(e.stdout, "%d record(s); last %d, sha256 %s\n", rep.Records, rep.Last, rep.LastHash)
			}
			if !rep.OK() {
				return fmt.Errorf("audit verify: %w: %d problem(s)", errAuditBroken, len(rep.Problems))
			}
			return nil
		},
	}
}

var errAuditBroken = errors.New("the audit log is not whole")
