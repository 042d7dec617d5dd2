package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"shinsei/store"
	"shinsei/store/storeurl"
)

func storeCommand() *command {
	return &command{
		name: "store", args: "check",
		summary: "check that the configured store can be written, read, updated and listed",
		details: `"store check" exercises every operation shinsei needs on the store named by
--store: a write-once put, a read back, a compare-and-swap update and a listing,
all under system/store-check/. Run it after configuring a new store.`,
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) != 1 || args[0] != "check" {
				return usageErrorf("store: want 'shinsei store check'")
			}
			return storeCheck(ctx, e)
		},
	}
}

// openStore opens the store named by --store / SHINSEI_STORE, or the default.
func openStore(ctx context.Context, e *env) (store.Store, error) {
	raw := e.global.store
	if d := e.global.retainDays; d != "" {
		// --retain-days is the store URL's retain_days, for whoever sets
		// retention per city rather than per URL. Only S3 object lock
		// enforces it; a folder cannot, and saying nothing would let
		// someone believe their archive is write-once when it is not.
		if !strings.HasPrefix(raw, "s3://") {
			return nil, usageErrorf("--retain-days needs an S3 store with object lock (--store s3://…); a local folder cannot enforce retention")
		}
		sep := "?"
		if strings.Contains(raw, "?") {
			sep = "&"
		}
		raw += sep + "retain_days=" + url.QueryEscape(d)
	}
	s, err := storeurl.Open(ctx, raw, e.getenv)
	if err != nil {
		return nil, err
	}
	e.log.Debug("store opened", "store", s.String())
	return s, nil
}

const (
	probeKey   = "system/store-check/probe-v1"
	probeData  = "shinsei store check: write-once probe, version 1\n"
	counterKey = "system/store-check/count"
)

func storeCheck(ctx context.Context, e *env) error {
	s, err := openStore(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	out := e.stdout
	fmt.Fprintf(out, "store: %s\n", s)
	step := func(name string, fn func() (string, error)) error {
		note, err := fn()
		if err != nil {
			fmt.Fprintf(out, "  %-18s FAILED\n", name)
			return fmt.Errorf("store check: %s: %w", name, err)
		}
		fmt.Fprintf(out, "  %-18s ok%s\n", name, note)
		return nil
	}

	err = step("write-once put", func() (string, error) {
		_, err := s.Put(ctx, probeKey, bytes.NewReader([]byte(probeData)), int64(len(probeData)))
		if errors.Is(err, store.ErrExist) {
			return " (kept from an earlier check; a second put was refused, as it must be)", nil
		}
		return "", err
	})
	if err != nil {
		return err
	}
	if err := step("read back", func() (string, error) {
		rc, err := s.Get(ctx, probeKey)
		if err != nil {
			return "", err
		}
		defer rc.Close()
		got, err := io.ReadAll(rc)
		if err != nil {
			return "", err
		}
		if string(got) != probeData {
			return "", fmt.Errorf("read %d bytes that differ from what was written", len(got))
		}
		return "", nil
	}); err != nil {
		return err
	}
	var count int
	if err := step("compare-and-swap", func() (string, error) {
		n, err := bumpCounter(ctx, s)
		count = n
		return fmt.Sprintf(" (check number %d on this store)", n), err
	}); err != nil {
		return err
	}
	if err := step("list", func() (string, error) {
		n := 0
		for _, err := range s.List(ctx, "system/store-check/") {
			if err != nil {
				return "", err
			}
			n++
		}
		if n < 2 {
			return "", fmt.Errorf("listed %d objects under system/store-check/, want at least 2", n)
		}
		return fmt.Sprintf(" (%d objects under system/store-check/)", n), nil
	}); err != nil {
		return err
	}
	fmt.Fprintln(out, "the store works.")
	e.log.Info("store check passed", "store", s.String(), "check", count)
	return nil
}

// bumpCounter increments the check counter with Load and Swap, retrying when
// another process got there first.
func bumpCounter(ctx context.Context, s store.Store) (int, error) {
	for {
		data, info, err := s.Load(ctx, counterKey)
		if errors.Is(err, store.ErrNotExist) {
			if _, err := s.Swap(ctx, counterKey, "", []byte("1")); errors.Is(err, store.ErrExist) {
				continue
			} else if err != nil {
				return 0, err
			}
			return 1, nil
		}
		if err != nil {
			return 0, err
		}
		n, err := strconv.Atoi(string(bytes.TrimSpace(data)))
		if err != nil {
			return 0, fmt.Errorf("%s holds %q, not a number", counterKey, data)
		}
		if _, err := s.Swap(ctx, counterKey, info.Version, []byte(strconv.Itoa(n+1))); errors.Is(err, store.ErrConflict) {
			continue
		} else if err != nil {
			return 0, err
		}
		return n + 1, nil
	}
}
