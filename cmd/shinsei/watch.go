package main

import (
	"context"
	"flag"
	"runtime"

	"shinsei/forms"
	"shinsei/pipeline/archive"
	"shinsei/pipeline/batch"
	"shinsei/pipeline/watch"
)

func watchCommand() *command {
	var (
		asJSON   bool
		jobs     int
		station  string
		poll     = watch.DefaultPoll
		settle   = watch.DefaultSettle
		noNotify bool
	)
	return &command{
		name: "watch", args: "[--json] [-j N] [--station S] [--poll D] [--settle D] [--no-notify] DIR",
		summary: "process files dropped into a folder, unattended",
		details: `A scanner (or a person) drops files into DIR; each is read like 'shinsei scan'
reads it, matched and archived in the store, and then moved, never deleted:

  DIR/done/YYYY-MM-DD/             all its pages archived
  DIR/done/YYYY-MM-DD/duplicate/   the same content was archived before
  DIR/quarantine/NAME + NAME.why.txt
                                   nothing in it could be read; why.txt says
                                   why and what to do, in Japanese then English

A file whose pages could not be archived (the store is down) stays in DIR and is
tried again. A file is taken once its size and time have not changed for
--settle and it opens; DIR is listed every --poll whatever happens (network
shares send no change notifications), and sooner when the system says it
changed. Files dropped while shinsei was not running are taken when it starts.
DIR/.shinsei holds the watcher's journal: a run killed at any moment is
finished by the next start, each file once in DIR, done or quarantine.

One line per page on stdout, as 'shinsei scan' prints it (--json: JSON Lines);
what happens to each file goes to the log (stderr). SIGINT or SIGTERM stops it;
the file being read then stays in DIR for the next start.`,
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&asJSON, "json", false, "print one JSON record per page (JSON Lines)")
			fs.IntVar(&jobs, "j", runtime.NumCPU(), "pages read in parallel")
			fs.StringVar(&station, "station", "", "`name` of this scanning station, kept with each page (env SHINSEI_STATION; default the host name)")
			fs.DurationVar(&poll, "poll", poll, "list the folder at least this `often`")
			fs.DurationVar(&settle, "settle", settle, "take a file once its size and time have not changed for this `long`")
			fs.BoolVar(&noNotify, "no-notify", false, "do not ask the system for change notifications; only poll")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) != 1 {
				return usageErrorf("watch: name one folder (see 'shinsei help watch')")
			}
			if jobs < 1 {
				return usageErrorf("watch: -j must be at least 1")
			}
			if poll <= 0 || settle <= 0 {
				return usageErrorf("watch: --poll and --settle must be more than 0")
			}
			if station == "" {
				station = defaultStation(e.getenv)
			}
			key, err := indexKey(e)
			if err != nil {
				return err
			}
			s, err := openStore(ctx, e)
			if err != nil {
				return err
			}
			defer s.Close()
			eng, closeEngine, err := newEngine(e, jobs, true)
			if err != nil {
				return err
			}
			defer closeEngine()
			arch := archive.New(s, archive.Options{Log: e.log, IndexKey: key})
			out := newScanPrinter(e.stdout, asJSON, nil)
			out.nameW = watchNameWidth
			w, err := watch.New(args[0], watch.Options{
				Poll: poll, Settle: settle, NoNotify: noNotify,
				Archived: func(ctx context.Context, sum string) (bool, error) {
					return arch.Has(ctx, forms.DocumentID(sum, 1))
				},
				Page: func(p batch.PageResult) error {
					e.log.Debug("page read", "document", p.Record.DocumentID, "status", p.Record.Status, "ms", p.Took.Milliseconds())
					return out.print(p.Record)
				},
				Log: e.log,
			})
			if err != nil {
				return err
			}
			e.log.Info("watching", "dir", args[0], "store", s.String(), "station", station, "poll", poll, "settle", settle)
			r := batch.New(eng, batch.Options{Workers: jobs, Store: s, Station: station, IndexKey: key, Log: e.log})
			return w.Run(ctx, r)
		},
	}
}

// watchNameWidth is the file column of the watch table: names are not
// known in advance, so it is fixed, and a longer name pushes its line out.
const watchNameWidth = 32
