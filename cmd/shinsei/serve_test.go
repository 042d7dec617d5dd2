package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "shinsei test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kd, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd}), 0o600)
	return cert, key
}

var servingAt = regexp.MustCompile(`shinsei serve: (https?://[^ ]+/)\n`)

func TestServe(t *testing.T) {
	cert, key := selfSigned(t)
	for _, c := range []struct {
		name  string
		flags []string
	}{
		{"http on loopback", nil},
		{"https", []string{"--tls-cert", cert, "--tls-key", key}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var out, errOut syncBuffer
			done := make(chan error, 1)
			args := append([]string{"--store", t.TempDir(), "serve", "--listen", "127.0.0.1:0"}, c.flags...)
			go func() {
				done <- run(ctx, args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
			}()
			var url string
			for deadline := time.Now().Add(20 * time.Second); url == "" && time.Now().Before(deadline); {
				select {
				case err := <-done:
					t.Fatalf("serve ended: %v\n%s", err, errOut.String())
				case <-time.After(20 * time.Millisecond):
				}
				if m := servingAt.FindStringSubmatch(out.String()); m != nil {
					url = m[1]
				}
			}
			if url == "" {
				t.Fatalf("serve printed no address: %q", out.String())
			}
			if (c.flags != nil) != strings.HasPrefix(url, "https://") {
				t.Errorf("serving at %s", url)
			}
			client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
			resp, err := client.Get(url + "login")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "ログイン") {
				t.Errorf("GET /login: %d\n%s", resp.StatusCode, body)
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve after its context ended: %v", err)
				}
			case <-time.After(15 * time.Second):
				t.Fatal("serve did not stop when its context ended")
			}
		})
	}
}

func TestServeUsage(t *testing.T) {
	cert, _ := selfSigned(t)
	for _, args := range [][]string{
		{"serve", "--listen", "0.0.0.0:0"}, // plain HTTP for the network
		{"serve", "--tls-cert", cert},      // a certificate without its key
		{"serve", "extra"},
	} {
		_, errOut, code := shinseiStdin(t, "", append([]string{"--store", t.TempDir()}, args...)...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut)
		}
	}
}
