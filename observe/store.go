package observe

import (
	"context"
	"errors"
	"io"
	"iter"

	"shinsei/store"
)

// Store is s with its failed operations counted (StoreErrors, by
// operation). The answers that are part of normal work — an object that
// does not exist or exists already, a compare-and-swap that lost — and a
// cancelled context are not failures.
func Store(s store.Store, m *Metrics) store.Store { return &countingStore{s: s, m: m} }

type countingStore struct {
	s store.Store
	m *Metrics
}

func (c *countingStore) count(op string, err error) {
	switch {
	case err == nil, errors.Is(err, store.ErrNotExist), errors.Is(err, store.ErrExist),
		errors.Is(err, store.ErrConflict), errors.Is(err, context.Canceled):
		return
	}
	c.m.StoreError(op)
}

func (c *countingStore) Put(ctx context.Context, key string, r io.Reader, size int64) (store.Info, error) {
	info, err := c.s.Put(ctx, key, r, size)
	c.count("put", err)
	return info, err
}

func (c *countingStore) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	rc, err := c.s.Get(ctx, key)
	c.count("get", err)
	return rc, err
}

func (c *countingStore) Stat(ctx context.Context, key string) (store.Info, error) {
	info, err := c.s.Stat(ctx, key)
	c.count("stat", err)
	return info, err
}

func (c *countingStore) List(ctx context.Context, prefix string) iter.Seq2[store.Info, error] {
	return func(yield func(store.Info, error) bool) {
		for info, err := range c.s.List(ctx, prefix) {
			c.count("list", err)
			if !yield(info, err) {
				return
			}
		}
	}
}

func (c *countingStore) Load(ctx context.Context, key string) ([]byte, store.Info, error) {
	data, info, err := c.s.Load(ctx, key)
	c.count("load", err)
	return data, info, err
}

func (c *countingStore) Swap(ctx context.Context, key, old string, data []byte) (store.Info, error) {
	info, err := c.s.Swap(ctx, key, old, data)
	c.count("swap", err)
	return info, err
}

func (c *countingStore) String() string { return c.s.String() }
func (c *countingStore) Close() error   { return c.s.Close() }
