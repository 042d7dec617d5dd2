// Command tessfloat rewrites the integer LSTM network of a Tesseract model
// in floating point, so lstmtraining can fine-tune it (scripts/train.sh):
//
//	combine_tessdata -e jpn.traineddata jpn.lstm
//	tessfloat jpn.lstm jpn-float.lstm
package main

import (
	"fmt"
	"os"

	"shinsei/internal/tessmodel"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: tessfloat IN.lstm OUT.lstm")
		os.Exit(2)
	}
	in, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "tessfloat:", err)
		os.Exit(1)
	}
	out, st, err := tessmodel.ToFloat(in)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tessfloat: %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[2], out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "tessfloat:", err)
		os.Exit(1)
	}
	fmt.Printf("%s: %d layers, %d weight matrices (%d weights) now floating point\n", os.Args[2], st.Layers, st.Matrices, st.Weights)
}
