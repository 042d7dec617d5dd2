package main

import (
	"context"
	"strings"
	"testing"

	"shinsei/pipeline/audit"
	"shinsei/store/storetest"
)

func TestAuditVerify(t *testing.T) {
	dir := t.TempDir()
	b := storetest.Open(t, "file://"+dir, func(string) string { return "" })
	// Reads recorded by the archive commands, and a change, in one chain.
	for range 2 {
		if _, errOut, code := shinsei(t, nil, "--store", dir, "archive", "search", "--user", "suzuki", "--reason", "監査"); code != 0 {
			t.Fatalf("archive search: exit %d: %s", code, errOut)
		}
	}
	if _, err := audit.New(b.Store, audit.Options{}).Record(context.Background(), audit.Change{Who: "suzuki", Action: audit.ActionLogin}); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := shinsei(t, nil, "--store", dir, "audit", "verify")
	if code != 0 || !regexpLines(out, `^3 record\(s\); last 3, sha256 [0-9a-f]{64}$`) {
		t.Fatalf("audit verify on a whole log: exit %d\n%s%s", code, out, errOut)
	}

	data, _, err := b.Store.Load(context.Background(), audit.Key(2))
	if err != nil {
		t.Fatal(err)
	}
	storetest.Tamper(t, b).Replace(audit.Key(2), []byte(strings.Replace(string(data), "監査", "閲覧", 1)))
	out, errOut, code = shinsei(t, nil, "--store", dir, "audit", "verify")
	if code != 1 || !strings.HasPrefix(out, "record 2 (audit/chain/00000000000000000002.json) changed:") || !strings.Contains(errOut, "not whole") {
		t.Errorf("audit verify after record 2 was changed: exit %d\n%s%s", code, out, errOut)
	}
	out, _, code = shinsei(t, nil, "--store", dir, "audit", "verify", "--json")
	if code != 1 || !strings.Contains(out, `"problems":[{"seq":2,"key":"audit/chain/00000000000000000002.json","kind":"changed"`) {
		t.Errorf("audit verify --json: exit %d\n%s", code, out)
	}
}
