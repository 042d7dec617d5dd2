package tessmodel

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writer builds serialised networks the way Tesseract writes them.
type writer struct{ bytes.Buffer }

func (w *writer) u32(v uint32) { binary.Write(w, binary.LittleEndian, v) }
func (w *writer) str(s string) { w.u32(uint32(len(s))); w.WriteString(s) }
func (w *writer) any(v any)    { binary.Write(w, binary.LittleEndian, v) }
func (w *writer) header(typ string, flags uint32, ni, no int32) {
	w.WriteByte(0)
	w.str(typ)
	w.WriteByte(0) // training disabled
	w.WriteByte(1) // needs backprop
	w.u32(flags)
	w.any([3]int32{ni, no, 0})
	w.str("layer")
}

// intMatrix writes a weight matrix in integer mode, with extra padded
// scales as Tesseract's SIMD code leaves them.
func (w *writer) intMatrix(rows [][]int8, scales []float64) {
	w.WriteByte(modeInt8 | modeDouble)
	w.u32(uint32(len(rows)))
	w.u32(uint32(len(rows[0])))
	w.WriteByte(0)
	for _, r := range rows {
		w.any(r)
	}
	w.u32(uint32(len(scales)))
	w.any(scales)
}

func (w *writer) trailer(flags uint32) {
	w.str("[1,36,0,1 O1c1]")
	w.u32(flags)
	w.WriteString("rest-of-recogniser")
}

// floatMatrix reads back a float matrix written by ToFloat.
func floatMatrix(t *testing.T, r *bytes.Reader) [][]float64 {
	t.Helper()
	mode, _ := r.ReadByte()
	if mode&modeInt8 != 0 || mode&modeDouble == 0 {
		t.Fatalf("matrix mode %#x, want double without int8", mode)
	}
	var dims [2]uint32
	binary.Read(r, binary.LittleEndian, &dims)
	var empty float64
	binary.Read(r, binary.LittleEndian, &empty)
	out := make([][]float64, dims[0])
	for i := range out {
		out[i] = make([]float64, dims[1])
		binary.Read(r, binary.LittleEndian, out[i])
	}
	return out
}

func TestToFloatWeightsAndFlags(t *testing.T) {
	var in writer
	in.header("Series", 0, 2, 2)
	in.u32(2)
	in.header("Input", 0, 2, 2)
	in.any([5]int32{1, 36, 0, 1, 0})
	in.header("Softmax", 0, 2, 2)
	in.intMatrix([][]int8{{127, -64, 1}, {0, 10, -127}}, []float64{0.5, 0.25, 9, 9})
	in.trailer(1 | 64) // TF_INT_MODE | TF_COMPRESS_UNICHARSET

	out, st, err := ToFloat(in.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if st.Layers != 3 || st.Matrices != 1 || st.Weights != 6 {
		t.Errorf("stats %+v, want 3 layers, 1 matrix, 6 weights", st)
	}
	// Everything up to the matrix is unchanged.
	var head writer
	head.header("Series", 0, 2, 2)
	head.u32(2)
	head.header("Input", 0, 2, 2)
	head.any([5]int32{1, 36, 0, 1, 0})
	head.header("Softmax", 0, 2, 2)
	if !bytes.HasPrefix(out, head.Bytes()) {
		t.Fatal("the layers before the weights changed")
	}
	r := bytes.NewReader(out[head.Len():])
	got := floatMatrix(t, r)
	want := [][]float64{{63.5, -32, 0.5}, {0, 2.5, -31.75}}
	for i := range want {
		for j := range want[i] {
			if math.Abs(got[i][j]-want[i][j]) > 1e-12 {
				t.Errorf("weight [%d][%d] = %v, want %v", i, j, got[i][j], want[i][j])
			}
		}
	}
	var tail writer
	tail.trailer(64) // the integer flag cleared, the other kept
	rest := make([]byte, r.Len())
	r.Read(rest)
	if !bytes.Equal(rest, tail.Bytes()) {
		t.Errorf("trailer %q, want %q", rest, tail.Bytes())
	}
}

func TestToFloatRefuses(t *testing.T) {
	var unknown writer
	unknown.header("Quantum", 0, 1, 1)
	var truncated writer
	truncated.header("Softmax", 0, 2, 2)
	truncated.intMatrix([][]int8{{1, 2}}, []float64{1})
	cut := truncated.Bytes()[:truncated.Len()-4]
	var noSpec writer
	noSpec.header("Input", 0, 1, 1)
	noSpec.any([5]int32{})
	noSpec.str("1 36 unicharset") // a model carrying its own charset
	for name, in := range map[string][]byte{
		"empty":         nil,
		"unknown layer": unknown.Bytes(),
		"truncated":     cut,
		"charset first": noSpec.Bytes(),
	} {
		if _, _, err := ToFloat(in); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err = %v, want ErrFormat", name, err)
		}
	}
}

// TestDebianJpnConverts converts the jpn model shinsei reads with and has
// lstmtraining accept the result, which it refuses for the original.
func TestDebianJpnConverts(t *testing.T) {
	const base = "/usr/share/tesseract-ocr/5/tessdata/jpn.traineddata"
	dir := t.TempDir()
	run := func(name string, args ...string) string {
		t.Helper()
		out, err := exec.Command(name, args...).CombinedOutput()
		if err != nil && name != "lstmtraining" {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		return string(out)
	}
	run("combine_tessdata", "-e", base, filepath.Join(dir, "jpn.lstm"))
	in, err := os.ReadFile(filepath.Join(dir, "jpn.lstm"))
	if err != nil {
		t.Fatal(err)
	}
	out, st, err := ToFloat(in)
	if err != nil {
		t.Fatal(err)
	}
	if st.Matrices < 10 || st.Weights < 500_000 {
		t.Errorf("converted %+v: fewer matrices or weights than jpn has", st)
	}
	float := filepath.Join(dir, "jpn-float.lstm")
	if err := os.WriteFile(float, out, 0o644); err != nil {
		t.Fatal(err)
	}
	list := filepath.Join(dir, "list.txt")
	os.WriteFile(list, []byte("\n"), 0o644)
	try := func(model string) string {
		return run("lstmtraining", "--continue_from", model, "--traineddata", base,
			"--train_listfile", list, "--model_output", filepath.Join(dir, "out"), "--max_iterations", "1")
	}
	if msg := try(filepath.Join(dir, "jpn.lstm")); !strings.Contains(msg, "integer") {
		t.Fatalf("lstmtraining took the integer model; the test proves nothing:\n%s", msg)
	}
	if msg := try(float); strings.Contains(msg, "integer") || !strings.Contains(msg, "Continuing from") {
		t.Errorf("lstmtraining did not continue from the converted model:\n%s", msg)
	}
}
