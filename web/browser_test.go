package web_test

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shinsei/store/storetest"
)

// -screenshots writes the screenshots the browser tests take to
// docs/screenshots (linked from the README); without it they are only
// checked to be pictures.
var screenshots = flag.Bool("screenshots", false, "write the browser tests' screenshots to docs/screenshots")

// chromium finds Debian's chromium (scripts/setup.sh --test installs it).
// Without it the test is skipped, or fails under make test
// (SHINSEI_TEST_REQUIRE_S3=1), where every test must run.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "chromium is not installed (scripts/setup.sh --test installs it)"
	if os.Getenv(storetest.EnvRequireS3) == "1" {
		t.Fatal(msg + ", and make test requires every test to run")
	}
	t.Skip(msg)
	return ""
}

// browser starts a headless Chromium for one test and returns a context
// whose tabs share it. Each call of tab on it is a separate profile, as
// two people at two desks.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		// Containers run tests as root, where Chromium's sandbox cannot
		// start; the pages are the test's own.
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		// The test server's certificate is its own, made up by httptest.
		chromedp.Flag("ignore-certificate-errors", true),
		chromedp.WindowSize(1400, 1000),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	b, cancelB := chromedp.NewContext(alloc)
	t.Cleanup(cancelB)
	if err := chromedp.Do(b); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return b
}

// tab opens a tab in a browser context of its own (its own cookies).
func tab(t *testing.T, b context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	return ctx
}

func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("in the browser at %s: %v", loc, err)
	}
}

// get runs one action that returns a value.
func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("in the browser at %s: %v", loc, err)
	}
	return v
}

// login logs in through the login page, as a person would.
func login(e *env, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(e.url+"/login"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), name),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.CSS("header .who")),
	)
}

// screenshot takes the whole page; with -screenshots it is written to
// docs/screenshots/NAME.png.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf := get(t, ctx, chromedp.FullScreenshot(100))
	if _, err := png.Decode(bytes.NewReader(buf)); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if *screenshots {
		dir := filepath.Join("..", "docs", "screenshots")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return strings.TrimSpace(get(t, ctx, chromedp.Text(chromedp.CSS(sel))))
}

func TestBrowserLogin(t *testing.T) {
	e := newEnv(t)
	b := browser(t)
	ctx := tab(t, b)

	// A wrong password is refused with the message in Japanese.
	run(t, ctx,
		chromedp.Navigate(e.url+"/login"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "sato"),
		chromedp.SendKeys(chromedp.ID("password"), "wrong password!"),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("error")),
	)
	if got := textOf(t, ctx, "#error"); got != "利用者名またはパスワードが違います。" {
		t.Errorf("after a wrong password: %q", got)
	}
	screenshot(t, ctx, "login")

	// The right one lands a reviewer on the queue, oldest page first.
	run(t, ctx, login(e, "sato"), chromedp.WaitVisible(chromedp.ID("queue")))
	first := get(t, ctx, chromedp.AttributeValue(chromedp.CSS("#queue tbody tr"), "data-id")).Value
	if first != e.flagged[0] && !contains(e.flagged, first) {
		t.Errorf("queue starts with %q, want one of the flagged pages %v", first, e.flagged)
	}
	if got := textOf(t, ctx, "h1"); got != "確認待ち" {
		t.Errorf("queue heading %q, want 確認待ち", got)
	}
	// The English switch.
	run(t, ctx, chromedp.Click(chromedp.ID("lang")), chromedp.WaitVisible(chromedp.ID("queue")))
	if got := textOf(t, ctx, "h1"); got != "Review queue" {
		t.Errorf("queue heading in English %q", got)
	}
	if got := e.audited("login", "login_failed"); got != "sato:login_failed sato:login" {
		t.Errorf("audited %q, want the failed and the good login", got)
	}
}

func contains(ss []string, s string) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}
