// Package observetest reads a /metrics endpoint back, for tests.
package observetest

import (
	"io"
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Families are the metric families of one scrape, by name, and the text
// they were parsed from.
type Families struct {
	ByName map[string]*dto.MetricFamily
	Text   string
}

// Scrape gets url, a /metrics endpoint, and parses what it serves.
func Scrape(t testing.TB, url string) Families {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", url, resp.Status, body)
	}
	return Parse(t, string(body))
}

// Parse parses metrics in Prometheus's text format.
func Parse(t testing.TB, text string) Families {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("parsing metrics: %v\n%s", err, text)
	}
	return Families{ByName: fams, Text: text}
}

// Value is the sum, over the metrics of family name whose labels include
// every pair in match, of their value: a counter's or gauge's value, a
// histogram's number of observations. ok is false when none matched.
func (f Families) Value(name string, match map[string]string) (v float64, ok bool) {
	fam := f.ByName[name]
	if fam == nil {
		return 0, false
	}
	for _, m := range fam.Metric {
		if !has(m, match) {
			continue
		}
		ok = true
		switch {
		case m.Counter != nil:
			v += m.Counter.GetValue()
		case m.Gauge != nil:
			v += m.Gauge.GetValue()
		case m.Histogram != nil:
			v += float64(m.Histogram.GetSampleCount())
		}
	}
	return v, ok
}

func has(m *dto.Metric, match map[string]string) bool {
	for k, want := range match {
		found := false
		for _, l := range m.Label {
			if l.GetName() == k && l.GetValue() == want {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Labels lists every label of every metric as name=value, once each.
func (f Families) Labels() []string {
	seen := map[string]bool{}
	var out []string
	for _, fam := range f.ByName {
		for _, m := range fam.Metric {
			for _, l := range m.Label {
				s := l.GetName() + "=" + l.GetValue()
				if !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
			}
		}
	}
	return out
}
