package templates

import (
	"cmp"
	"fmt"
	"slices"
)

// Registry holds templates by id and revision. Like image.RegisterFormat,
// it is how the rest of shinsei learns which forms exist; unlike it, it is a
// value, so a test can build one of its own.
type Registry struct {
	byKey map[string]*Template
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{byKey: map[string]*Template{}} }

// Builtin returns a registry of the forms embedded in shinsei.
func Builtin() *Registry {
	r := NewRegistry()
	for _, t := range []*Template{application(), answer(), revocation()} {
		if err := r.Register(t); err != nil {
			// The built-in definitions are tested; this is a programming error.
			panic(err)
		}
	}
	return r
}

// Register adds a validated template. A revision, once registered, cannot
// be replaced: archived records name the revision they were read with.
func (r *Registry) Register(t *Template) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if _, ok := r.byKey[t.Key()]; ok {
		return fmt.Errorf("%w %s: registered twice", ErrInvalidTemplate, t.Key())
	}
	r.byKey[t.Key()] = t
	return nil
}

// Get returns template id at revision rev, or its latest revision if rev is 0.
func (r *Registry) Get(id string, rev int) (*Template, error) {
	if rev > 0 {
		if t, ok := r.byKey[fmt.Sprintf("%s@%d", id, rev)]; ok {
			return t, nil
		}
		return nil, fmt.Errorf("%w: %s revision %d", ErrUnknownTemplate, id, rev)
	}
	var latest *Template
	for _, t := range r.byKey {
		if t.ID == id && (latest == nil || t.Revision > latest.Revision) {
			latest = t
		}
	}
	if latest == nil {
		return nil, fmt.Errorf("%w: %q (see 'shinsei templates list')", ErrUnknownTemplate, id)
	}
	return latest, nil
}

// List returns every template, by id then revision.
func (r *Registry) List() []*Template {
	var ts []*Template
	for _, t := range r.byKey {
		ts = append(ts, t)
	}
	slices.SortFunc(ts, func(a, b *Template) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Revision, b.Revision))
	})
	return ts
}
