package paddle

import (
	"fmt"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

// runtime counts the pools using ONNX Runtime's environment. The library
// is loaded and its environment made once per process, in C: the count
// must be process-wide too, so the last pool closed releases it and a
// second pool cannot load another copy of the library.
var runtime struct {
	sync.Mutex
	users int
	lib   string
}

// initRuntime loads lib and makes the environment, or counts one more user.
func initRuntime(lib string) error {
	runtime.Lock()
	defer runtime.Unlock()
	if runtime.users > 0 {
		if lib != runtime.lib {
			return fmt.Errorf("paddle: ONNX Runtime is already loaded from %s, not %s", runtime.lib, lib)
		}
		runtime.users++
		return nil
	}
	ort.SetSharedLibraryPath(lib)
	if err := ort.InitializeEnvironment(ort.WithLogLevelError()); err != nil {
		return fmt.Errorf("paddle: loading ONNX Runtime from %s: %w", lib, err)
	}
	runtime.users, runtime.lib = 1, lib
	return nil
}

// releaseRuntime counts one user fewer, and ends the environment with the last.
func releaseRuntime() {
	runtime.Lock()
	defer runtime.Unlock()
	runtime.users--
	if runtime.users == 0 {
		_ = ort.DestroyEnvironment()
	}
}

// session is one model loaded once, run by any number of goroutines.
type session struct {
	name string
	s    *ort.DynamicAdvancedSession
	mu   sync.RWMutex // runs share it; close waits for them
}

func newSession(path, name string) (*session, error) {
	opts, err := ort.NewSessionOptions()
	if err != nil {
		return nil, fmt.Errorf("paddle: session options: %w", err)
	}
	defer opts.Destroy()
	// Each run on its caller's thread alone: shinsei runs a worker per
	// core already, and a session's own threads would compete with them
	// (as OpenMP's would with Tesseract's clients).
	if err := opts.SetIntraOpNumThreads(1); err != nil {
		return nil, fmt.Errorf("paddle: session options: %w", err)
	}
	if err := opts.SetInterOpNumThreads(1); err != nil {
		return nil, fmt.Errorf("paddle: session options: %w", err)
	}
	ins, outs, err := ort.GetInputOutputInfo(path)
	if err != nil {
		return nil, fmt.Errorf("paddle: reading model %s: %w", path, err)
	}
	if len(ins) != 1 || len(outs) != 1 {
		return nil, fmt.Errorf("paddle: model %s has %d inputs and %d outputs, not one of each", path, len(ins), len(outs))
	}
	s, err := ort.NewDynamicAdvancedSession(path, []string{ins[0].Name}, []string{outs[0].Name}, opts)
	if err != nil {
		return nil, fmt.Errorf("paddle: loading model %s: %w", path, err)
	}
	return &session{name: name, s: s}, nil
}

func (s *session) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.s != nil {
		_ = s.s.Destroy()
		s.s = nil
	}
}

// run runs the model on a [1, 3, height, width] input and gives its
// [1, steps, classes] output to use, which must not keep it: the output
// is the tensor's, freed when run returns. A line's output is 6,625
// floats a step; each caller takes the little it needs from it rather
// than have it copied.
func (s *session) run(in []float32, width int, use func(probs []float32, steps, classes int)) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.s == nil {
		return ErrClosed
	}
	t, err := ort.NewTensor(ort.NewShape(1, 3, height, int64(width)), in)
	if err != nil {
		return err
	}
	defer t.Destroy()
	outs := []ort.Value{nil}
	if err := s.s.Run([]ort.Value{t}, outs); err != nil {
		return err
	}
	defer outs[0].Destroy()
	o, ok := outs[0].(*ort.Tensor[float32])
	if !ok {
		return fmt.Errorf("output is %T, not float32", outs[0])
	}
	sh := o.GetShape()
	if len(sh) != 3 {
		return fmt.Errorf("output shape %v, not [1 steps classes]", sh)
	}
	use(o.GetData(), int(sh[1]), int(sh[2]))
	return nil
}
