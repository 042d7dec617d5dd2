package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"shinsei/ocr"
)

func versionCommand() *command {
	var asJSON bool
	return &command{
		name: "version", args: "[--json]",
		summary: "print the versions of shinsei, Go and Tesseract, the OCR languages installed and the models bundled",
		flags:   func(fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "print one JSON object") },
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return usageErrorf("version takes no arguments")
			}
			langs, err := ocr.Languages()
			if err != nil {
				return err
			}
			v := struct {
				Shinsei   string   `json:"shinsei"`
				Go        string   `json:"go"`
				Platform  string   `json:"platform"`
				Tesseract string   `json:"tesseract"`
				Languages []string `json:"languages"`
				Bundled   []string `json:"bundled_models"`
			}{buildVersion(), runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH, ocr.Version(), langs, ocr.Bundled()}
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				return enc.Encode(v)
			}
			fmt.Fprintf(e.stdout, "shinsei   %s\ngo        %s %s\ntesseract %s (languages: %s; bundled: %s)\n",
				v.Shinsei, v.Go, v.Platform, v.Tesseract, strings.Join(v.Languages, ", "), strings.Join(v.Bundled, ", "))
			if err := ocr.CheckInstall(); err != nil {
				fmt.Fprintf(e.stdout, "warning: %v\n", err)
			}
			return nil
		},
	}
}

// buildVersion is the module version, or the VCS revision for a build from
// a checkout.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	// A build from a checkout gets a pseudo-version that already names the
	// commit; only a build without one needs the revision spelled out.
	if v != "" && v != "(devel)" {
		return v
	}
	v = "devel"
	if rev != "" {
		v += fmt.Sprintf(" (commit %.12s%s)", rev, modified)
	}
	return v
}
