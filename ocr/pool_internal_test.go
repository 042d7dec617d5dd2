package ocr

import (
	"context"
	"errors"
	"image"
	"image/draw"
	"testing"
	"time"
)

// inked is a zone that is not blank, so Recognize goes for a client.
func inked() *image.Gray {
	img := image.NewGray(image.Rect(0, 0, 100, 40))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(20, 10, 80, 30), image.Black, image.Point{}, draw.Src)
	return img
}

// While every client is busy, Recognize gives up when its ctx ends and says
// why, wrapping ctx's error.
func TestRecognizeHonoursContextWhileWaiting(t *testing.T) {
	p, err := NewPool(Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	busy, err := p.acquire(t.Context(), "eng")
	if err != nil {
		t.Fatal(err)
	}
	defer p.release(busy)

	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"cancelled before", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			return ctx, cancel
		}, context.Canceled},
		{"cancelled while waiting", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(t.Context())
			time.AfterFunc(20*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
		{"deadline while waiting", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(t.Context(), 20*time.Millisecond)
		}, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()
			_, err := p.Recognize(ctx, inked(), Spec{Lang: "eng"})
			if !errors.Is(err, tc.want) || err == tc.want {
				t.Errorf("got %v, want %v wrapped", err, tc.want)
			}
		})
	}
	if st := p.Stats(); st.Calls != 0 {
		t.Errorf("%d calls made while the only client was busy", st.Calls)
	}
}

// Close waits for a call in progress, and a caller waiting for a client is
// told the pool closed.
func TestCloseWaitsForCallsInProgress(t *testing.T) {
	p, err := NewPool(Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	busy, err := p.acquire(t.Context(), "eng")
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan error)
	go func() {
		_, err := p.Recognize(t.Context(), inked(), Spec{Lang: "eng"})
		waiting <- err
	}()
	closed := make(chan error)
	go func() { closed <- p.Close() }()

	if err := <-waiting; !errors.Is(err, ErrClosed) {
		t.Errorf("waiting caller got %v, want ErrClosed", err)
	}
	select {
	case <-closed:
		t.Fatal("Close returned while a call was in progress")
	case <-time.After(50 * time.Millisecond):
	}
	p.release(busy)
	if err := <-closed; err != nil {
		t.Error(err)
	}
}
