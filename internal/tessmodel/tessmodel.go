// Package tessmodel rewrites a Tesseract LSTM network stored in integer
// form as the same network in floating point, so that lstmtraining can
// fine-tune it.
//
// Debian ships only integer ("fast") models, and lstmtraining refuses to
// continue from one ("is an integer (fast) model, cannot continue
// training"). An integer weight matrix keeps, for each output, int8
// weights and one scale; weight = int8 × scale. Writing those products
// back as doubles gives a float network that computes what the integer one
// did, from which training can go on.
//
// The format is Tesseract's own serialisation (src/lstm/network.cpp,
// plumbing.cpp, lstm.cpp, fullyconnected.cpp, weightmatrix.cpp, and
// matrix.h): little-endian, every layer led by its type name.
package tessmodel

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// ErrFormat is returned for input that is not a network this package knows.
var ErrFormat = errors.New("tessmodel: not a Tesseract LSTM network it can read")

// Flags of a serialised weight matrix (weightmatrix.cpp).
const (
	modeInt8   = 1
	modeAdam   = 4
	modeDouble = 128
)

// layerSpecificLR is NF_LAYER_SPECIFIC_LR: a plumbing layer then stores a
// learning rate per child.
const layerSpecificLR = 64

// Stats says what ToFloat changed.
type Stats struct {
	Layers   int // layers walked
	Matrices int // weight matrices rewritten in floating point
	Weights  int // weights rewritten
}

// ToFloat converts the network at the head of lstm, the "lstm" component of
// a traineddata file (combine_tessdata -e), to floating point. What follows
// the network (its spec, flags, iteration counts) is copied unchanged.
func ToFloat(lstm []byte) ([]byte, Stats, error) {
	c := &conv{r: bytes.NewReader(lstm)}
	if err := c.network(); err != nil {
		return nil, c.stats, err
	}
	// The recogniser's trailer (lstmrecognizer.cpp Serialize): the network
	// spec, then its training flags, whose integer bit must go too.
	spec, err := c.copyString()
	if err != nil {
		return nil, c.stats, err
	}
	if !strings.HasPrefix(spec, "[") {
		return nil, c.stats, fmt.Errorf("%w: the network is not followed by its spec (a model with its own charset?)", ErrFormat)
	}
	flags, err := c.u32()
	if err != nil {
		return nil, c.stats, err
	}
	binary.Write(&c.w, binary.LittleEndian, flags&^trainIntMode)
	rest, err := io.ReadAll(c.r)
	if err != nil {
		return nil, c.stats, err
	}
	c.w.Write(rest)
	return c.w.Bytes(), c.stats, nil
}

// trainIntMode is TF_INT_MODE of the recogniser's training flags.
const trainIntMode = 1

type conv struct {
	r     *bytes.Reader
	w     bytes.Buffer
	stats Stats
}

// copyN copies n bytes through unchanged.
func (c *conv) copyN(n int64) error {
	if _, err := io.CopyN(&c.w, c.r, n); err != nil {
		return fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return nil
}

func (c *conv) u32() (uint32, error) {
	var v uint32
	if err := binary.Read(c.r, binary.LittleEndian, &v); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return v, nil
}

func (c *conv) copyU32() (uint32, error) {
	v, err := c.u32()
	if err == nil {
		binary.Write(&c.w, binary.LittleEndian, v)
	}
	return v, err
}

func (c *conv) copyString() (string, error) {
	n, err := c.copyU32()
	if err != nil {
		return "", err
	}
	if int64(n) > int64(c.r.Len()) {
		return "", fmt.Errorf("%w: string of %d bytes", ErrFormat, n)
	}
	b := make([]byte, n)
	io.ReadFull(c.r, b)
	c.w.Write(b)
	return string(b), nil
}

// header is what Network::Serialize writes before a layer's own data.
type header struct {
	typ        string
	ni, no     int32
	flags      uint32
	numWeights int32
}

func (c *conv) header() (header, error) {
	var h header
	// A zero byte means "the type follows by name", the only form written
	// since Tesseract 4.
	t, err := c.r.ReadByte()
	if err != nil || t != 0 {
		return h, fmt.Errorf("%w: layer without a type name", ErrFormat)
	}
	c.w.WriteByte(t)
	if h.typ, err = c.copyString(); err != nil {
		return h, err
	}
	if err := c.copyN(2); err != nil { // training state, needs backprop
		return h, err
	}
	if h.flags, err = c.copyU32(); err != nil {
		return h, err
	}
	for _, p := range []*int32{&h.ni, &h.no, &h.numWeights} {
		v, err := c.copyU32()
		if err != nil {
			return h, err
		}
		*p = int32(v)
	}
	if _, err := c.copyString(); err != nil { // layer name
		return h, err
	}
	return h, nil
}

// network converts one layer and, for plumbing, every layer under it.
func (c *conv) network() error {
	h, err := c.header()
	if err != nil {
		return err
	}
	c.stats.Layers++
	switch h.typ {
	case "Input":
		return c.copyN(5 * 4) // StaticShape: batch, height, width, depth, loss type
	case "Convolve", "Maxpool", "Reconfig":
		return c.copyN(2 * 4) // half_x, half_y or x_scale, y_scale
	case "Parallel", "Replicated", "ParBidiLSTM", "DepParUDLSTM", "Par2dLSTM",
		"Series", "RTLReversed", "TTBReversed", "XYTranspose":
		n, err := c.copyU32()
		if err != nil {
			return err
		}
		if n > 1000 {
			return fmt.Errorf("%w: %s of %d layers", ErrFormat, h.typ, n)
		}
		for range n {
			if err := c.network(); err != nil {
				return err
			}
		}
		if h.flags&layerSpecificLR != 0 {
			k, err := c.copyU32()
			if err != nil {
				return err
			}
			return c.copyN(int64(k) * 4) // float learning rates
		}
		return nil
	case "LSTM", "SummLSTM", "LSTMSoftmax", "LSTMBinarySoftmax":
		return c.lstm(h)
	case "Softmax", "SoftmaxNoCTC", "Relu", "Tanh", "Linear", "Logistic", "LinLogistic", "LinTanh":
		_, err := c.matrix()
		return err
	default:
		return fmt.Errorf("%w: layer type %q", ErrFormat, h.typ)
	}
}

// lstm converts an LSTM layer: its gate matrices, a fifth one when it is
// two-dimensional, and its softmax when it has one (lstm.cpp DeSerialize).
func (c *conv) lstm(h header) error {
	na, err := c.copyU32()
	if err != nil {
		return err
	}
	nf := 0
	switch h.typ {
	case "LSTMSoftmax":
		nf = int(h.no)
	case "LSTMBinarySoftmax":
		nf = int(math.Ceil(math.Log2(float64(h.no))))
	}
	gates := 4
	for g := range gates {
		outputs, err := c.matrix()
		if err != nil {
			return err
		}
		if g == 0 && int(na)-nf == int(h.ni)+2*outputs {
			gates = 5 // 2-D: a forget gate for the second dimension
		}
	}
	if gates == 5 {
		if _, err := c.matrix(); err != nil {
			return err
		}
	}
	if h.typ == "LSTMSoftmax" || h.typ == "LSTMBinarySoftmax" {
		return c.network()
	}
	return nil
}

// matrix rewrites one weight matrix as doubles and returns its number of
// outputs. A float matrix is copied; it is a recogniser's, so it carries
// no training state (Network::Serialize wrote training disabled).
func (c *conv) matrix() (int, error) {
	mode, err := c.r.ReadByte()
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if mode&modeDouble == 0 {
		return 0, fmt.Errorf("%w: a weight matrix in the pre-4.0 format", ErrFormat)
	}
	dim1, err := c.u32()
	if err != nil {
		return 0, err
	}
	dim2, err := c.u32()
	if err != nil {
		return 0, err
	}
	n := int64(dim1) * int64(dim2)
	if n > 1<<28 {
		return 0, fmt.Errorf("%w: weight matrix %d×%d", ErrFormat, dim1, dim2)
	}
	if mode&modeInt8 == 0 {
		c.w.WriteByte(mode)
		binary.Write(&c.w, binary.LittleEndian, [2]uint32{dim1, dim2})
		return int(dim1), c.copyN(8 + n*8) // empty value, then the doubles
	}
	if _, err := c.r.ReadByte(); err != nil { // int8 empty value
		return 0, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	wi := make([]int8, n)
	if err := binary.Read(c.r, binary.LittleEndian, wi); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	ns, err := c.u32()
	if err != nil {
		return 0, err
	}
	// The SIMD code pads the outputs, and the scales with them: there may
	// be more scales than rows, never fewer.
	if ns < dim1 || ns > dim1+64 {
		return 0, fmt.Errorf("%w: %d scales for %d outputs", ErrFormat, ns, dim1)
	}
	scales := make([]float64, ns)
	if err := binary.Read(c.r, binary.LittleEndian, scales); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	c.w.WriteByte(mode &^ modeInt8)
	binary.Write(&c.w, binary.LittleEndian, [2]uint32{dim1, dim2})
	binary.Write(&c.w, binary.LittleEndian, float64(0)) // empty value
	wf := make([]float64, n)
	for i := range int(dim1) {
		for j := range int(dim2) {
			k := i*int(dim2) + j
			wf[k] = float64(wi[k]) * scales[i]
		}
	}
	binary.Write(&c.w, binary.LittleEndian, wf)
	c.stats.Matrices++
	c.stats.Weights += int(n)
	return int(dim1), nil
}
