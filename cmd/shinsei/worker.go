package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"strings"

	"shinsei/observe"
	"shinsei/pipeline/batch"
	"shinsei/pipeline/worker"
	"shinsei/store"
	"shinsei/store/s3"
)

func workerCommand() *command {
	var (
		asJSON         bool
		jobs           int
		station        string
		queue          string
		o              worker.Options
		reconcileEvery = worker.DefaultReconcileEvery
		notifyARN      string
		listen         string
	)
	return &command{
		name: "worker", args: "--queue nats://HOST:4222 [--inbox PREFIX] [--json] [-j N] [--station S] [--notify-arn ARN] [--listen ADDR] ...",
		summary: "take files from a MinIO inbox through a NATS JetStream queue (a city's machines)",
		details: `Scanners or a sync agent put files under the inbox prefix of the store's bucket
(--store s3://…); MinIO publishes each ObjectCreated event to NATS JetStream, and
any number of workers, on any number of machines, take them from one stream:
each file is read like 'shinsei scan' reads it, matched and archived, then
marked done. Nothing in the inbox is changed or deleted:

  queue/done/NAME/ETAG.json      the file is finished (pages archived, or quarantined)
  quarantine/ETAG/NAME + NAME.why.txt
                                 nothing in it could be read; why.txt says why
                                 and what to do, in Japanese then English

The stream (--stream, on --subject) and the durable consumer are created if
missing. MinIO must be started with a NATS target publishing to --subject with
JetStream on (MINIO_NOTIFY_NATS_ENABLE_<ID>=on, ..._ADDRESS_<ID>, ..._SUBJECT_<ID>,
..._JETSTREAM_<ID>=on); --notify-arn arn:minio:sqs::<ID>:nats makes the bucket
send the inbox's events to it. A file is acknowledged only once marked done: a
worker killed mid-file leaves it to another after --ack-wait; a file whose
worker dies --tries times is quarantined. While the store is down, the worker
waits and retries. The inbox is listed on start and every --reconcile for
files whose event was lost (those older than --reconcile-age).

One line per page on stdout, as 'shinsei scan' prints it (--json: JSON Lines);
what happens to each file goes to the log (stderr). SIGINT or SIGTERM stops it
and gives the files it held back to the queue.`,
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&asJSON, "json", false, "print one JSON record per page (JSON Lines)")
			fs.IntVar(&jobs, "j", runtime.NumCPU(), "pages read in parallel")
			fs.StringVar(&station, "station", "", "`name` kept with each page (env SHINSEI_STATION; default the host name)")
			fs.StringVar(&queue, "queue", "", "NATS `URL` of the queue, nats://host:4222 (several separated by commas; env SHINSEI_QUEUE)")
			fs.StringVar(&o.Inbox, "inbox", worker.DefaultInbox, "key `prefix` in the store that scanners put files under")
			fs.StringVar(&o.Stream, "stream", worker.DefaultStream, "JetStream stream `name`")
			fs.StringVar(&o.Subject, "subject", worker.DefaultSubject, "`subject` MinIO publishes events on (MINIO_NOTIFY_NATS_SUBJECT)")
			fs.StringVar(&o.Consumer, "consumer", worker.DefaultConsumer, "durable consumer `name` every worker shares")
			fs.DurationVar(&o.AckWait, "ack-wait", worker.DefaultAckWait, "give a file to another worker when its worker was silent this `long` (above the slowest page)")
			fs.IntVar(&o.Tries, "tries", worker.DefaultTries, "quarantine a file after `N` deliveries that did not finish")
			fs.DurationVar(&reconcileEvery, "reconcile", reconcileEvery, "list the inbox for files whose event was lost this `often` (0: only on start)")
			fs.DurationVar(&o.ReconcileAge, "reconcile-age", worker.DefaultReconcileAge, "leave files younger than this `long` to their own event")
			listenFlag(fs, &listen)
			fs.StringVar(&notifyARN, "notify-arn", "", "set the bucket to send the inbox's ObjectCreated events to MinIO's NATS target `ARN` (arn:minio:sqs::ID:nats; env SHINSEI_NOTIFY_ARN)")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) != 0 {
				return usageErrorf("worker: no arguments besides flags (see 'shinsei help worker')")
			}
			if queue == "" {
				queue = e.getenv("SHINSEI_QUEUE")
			}
			if queue == "" {
				return usageErrorf("worker: name the queue with --queue nats://HOST:4222 (or SHINSEI_QUEUE)")
			}
			if notifyARN == "" {
				notifyARN = e.getenv("SHINSEI_NOTIFY_ARN")
			}
			if jobs < 1 || o.Tries < 1 || o.AckWait <= 0 || reconcileEvery < 0 || o.ReconcileAge < 0 {
				return usageErrorf("worker: -j and --tries must be at least 1, --ack-wait more than 0, --reconcile and --reconcile-age not negative")
			}
			if !strings.HasSuffix(o.Inbox, "/") {
				o.Inbox += "/"
			}
			if err := worker.CheckInbox(o.Inbox); err != nil {
				return usageErrorf("%v", err)
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
			bucket, ok := s.(*s3.Store)
			if !ok {
				return usageErrorf("worker: the store must be S3 (--store s3://…): the files come from MinIO's inbox")
			}
			if notifyARN != "" {
				if err := bucket.Notify(ctx, notifyARN, o.Inbox); err != nil {
					return err
				}
				e.log.Info("bucket notifications set", "arn", notifyARN, "inbox", o.Inbox)
			}
			o.Bucket, o.Prefix = bucket.Location()
			o.ReconcileEvery = reconcileEvery
			if reconcileEvery == 0 {
				o.ReconcileEvery = -1
			}
			m := observe.New(observe.Options{Command: "worker", Station: station, Version: buildVersion()})
			// Counted from here on: the bucket's own setup above fails loudly.
			var counted store.Store = observe.Store(s, m)
			o.Hooks = worker.Hooks{
				Redelivered: m.Redelivered,
				QueueDepth:  func(waiting uint64, unacked int) { m.QueueDepth(int(waiting) + unacked) },
				Finished:    m.File,
			}
			eng, closeEngine, err := newObservedEngine(e, jobs, true, m)
			if err != nil {
				return err
			}
			defer closeEngine()
			out := newScanPrinter(e.stdout, asJSON, nil)
			out.nameW = watchNameWidth
			o.Page = func(p batch.PageResult) error {
				e.log.Debug("page read", "document", p.Record.DocumentID, "status", p.Record.Status, "ms", p.Took.Milliseconds())
				return out.print(p.Record)
			}
			o.Log = e.log
			nc, err := worker.Dial(queue, "shinsei worker "+station, e.log)
			if err != nil {
				return err
			}
			defer nc.Close()
			w, err := worker.New(ctx, nc, counted, o)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			if reconcileEvery == 0 {
				if _, err := w.Reconcile(ctx); err != nil {
					e.log.Warn("reconcile failed", "err", err)
				}
			}
			e.log.Info("worker started", "queue", nc.ConnectedUrlRedacted(), "store", s.String(), "inbox", o.Inbox, "stream", o.Stream, "station", station, "ack_wait", o.AckWait)
			// Served once everything is set up: ready means able to work.
			stopServing, err := serveObserve(e, listen, m, []observe.Check{observe.StoreCheck(counted), {Name: "queue", Do: w.Ready}})
			if err != nil {
				return err
			}
			defer stopServing()
			r := batch.New(eng, batch.Options{Workers: jobs, Store: counted, Station: station, IndexKey: key, Log: e.log, Metrics: m})
			if err := w.Run(ctx, r); err != nil {
				return fmt.Errorf("worker: %w", err)
			}
			return nil
		},
	}
}
