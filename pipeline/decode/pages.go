package decode

import (
	"errors"
	"fmt"
	"math"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// pdfPageRef is one leaf of a PDF's page tree, with the attributes it
// inherits from the nodes above it.
type pdfPageRef struct {
	dict  types.Dict
	attrs model.InheritedPageAttrs
}

// maxTreeDepth bounds the page tree walk; real files nest a few levels.
const maxTreeDepth = 64

// pageLeaves walks the page tree and returns the pages that are really
// there, in order, keeping at most keep of them; total counts them all,
// and declared is the root's /Count, for telling a damaged tree from an
// empty one.
//
// The tree's /Count entries are not used: they are what the writer
// claimed, and a damaged or hostile file can claim a million pages over
// three (pdfcpu's own page lookup skips subtrees by /Count, so a wrong
// count also hides pages from it). A node met twice (a loop, or a page
// listed twice) is skipped, as Poppler does, so every page is read once.
func pageLeaves(xt *model.XRefTable, keep int) (pages []pdfPageRef, total, declared int, err error) {
	root, err := xt.Pages()
	if err != nil {
		return nil, 0, 0, err
	}
	if root == nil {
		// A catalog with no /Pages (found by FuzzPDF): no page tree at all.
		return nil, 0, 0, errors.New("page tree root: the catalog has no /Pages")
	}
	seen := map[int]bool{}
	var visit func(o types.Object, inh model.InheritedPageAttrs, depth int)
	visit = func(o types.Object, inh model.InheritedPageAttrs, depth int) {
		if depth > maxTreeDepth {
			return
		}
		if ref, ok := o.(types.IndirectRef); ok {
			nr := ref.ObjectNumber.Value()
			if seen[nr] {
				return
			}
			seen[nr] = true
		}
		d, err := xt.DereferenceDict(o)
		if err != nil || d == nil {
			return // a kid that is not a dictionary holds no page
		}
		inheritAttrs(xt, d, &inh)
		kidsObj, hasKids := d.Find("Kids")
		if t := d.Type(); (t != nil && *t == "Page") || !hasKids {
			total++
			if len(pages) < keep {
				pages = append(pages, pdfPageRef{dict: d, attrs: inh})
			}
			return
		}
		kids, err := xt.DereferenceArray(kidsObj)
		if err != nil {
			return
		}
		for _, k := range kids {
			visit(k, inh, depth+1)
		}
	}
	rootDict, err := xt.DereferenceDict(*root)
	if err != nil || rootDict == nil {
		return nil, 0, 0, fmt.Errorf("page tree root: %w", err)
	}
	declared = intEntry(xt, rootDict, "Count", 0)
	visit(*root, model.InheritedPageAttrs{}, 0)
	return pages, total, declared, nil
}

// inheritAttrs overrides inh with the attributes d sets itself. An entry
// that cannot be read keeps the inherited value, as viewers do.
func inheritAttrs(xt *model.XRefTable, d types.Dict, inh *model.InheritedPageAttrs) {
	if r := rectEntry(xt, d, "MediaBox"); r != nil {
		inh.MediaBox = r
	}
	if r := rectEntry(xt, d, "CropBox"); r != nil {
		inh.CropBox = r
	}
	if o, ok := d.Find("Rotate"); ok {
		if v, err := xt.DereferenceNumber(o); err == nil {
			inh.Rotate = int(math.Round(v))
		}
	}
	if res := dictEntry(xt, d, "Resources"); res != nil {
		inh.Resources = res
	}
}

func rectEntry(xt *model.XRefTable, d types.Dict, key string) *types.Rectangle {
	a := arrayNumbers(xt, d, key)
	if len(a) != 4 {
		return nil
	}
	return types.NewRectangle(math.Min(a[0], a[2]), math.Min(a[1], a[3]), math.Max(a[0], a[2]), math.Max(a[1], a[3]))
}
