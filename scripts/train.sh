#!/usr/bin/env bash
# train.sh is `make train`: fine-tunes Tesseract's jpn model on handwriting
# drawn the way shinsei-gen draws it, and writes ocr/tessdata/jpn_hand.traineddata,
# the model shinsei reads handwritten Japanese with.
#
#   TRAIN_LINES=20000 TRAIN_ITERATIONS=40000 TRAIN_SEED=1001 make train
#
# TRAIN_FROM=base starts from Tesseract's own jpn; TRAIN_FROM=hand (the
# default) goes on from the committed jpn_hand, so a run adds to what the
# model knows. The lines are written in every training hand of
# internal/scangen/hands.go, each writer with a slant, weight, bend and
# spacing of its own (shinsei-lines -vary), never in a calibration or
# held-out hand.
#
# Kept apart from evaluation: the lines' text is built from the word list of
# Tesseract's own jpn model, never from the generator's lists of names and
# places, and the seeds (1001 on) are used for nothing else. What training
# shares with the evaluation corpora is the handwriting faces themselves:
# the model learns those faces, so `shinsei-eval` measures faces it has
# seen. A deployment would train on real handwriting with this same script,
# with its lines from scanned forms in place of shinsei-lines.
#
# On 2 cores it takes about an hour: a minute for the lines, two for their
# lstmf files, the rest training (about 500 lines a minute, one core, as
# Tesseract's OpenMP is held to one thread here like everywhere else).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export OMP_THREAD_LIMIT=1

lines="${TRAIN_LINES:-20000}"
iterations="${TRAIN_ITERATIONS:-40000}"
seed="${TRAIN_SEED:-1001}"
# Continuing from a model, lstmtraining keeps the learning rates stored in
# it and ignores --learning_rate; TRAIN_LEARNING_RATE=R replaces them with
# R (--reset_learning_rate). Left unset, the stored ones are kept, as for
# every committed model: a reset to 0.0005 made the model worse (README,
# "Training the handwriting model").
rate="${TRAIN_LEARNING_RATE:-}"
from="${TRAIN_FROM:-hand}"
work="${TRAIN_DIR:-.cache/train}"
jobs="$(getconf _NPROCESSORS_ONLN)"
base=/usr/share/tesseract-ocr/5/tessdata/jpn.traineddata
committed=ocr/tessdata/jpn_hand.traineddata
out="${TRAIN_OUT:-$committed}" # TRAIN_OUT: write the new model elsewhere

for tool in combine_tessdata dawg2wordlist lstmtraining tesseract; do
	command -v "$tool" >/dev/null || { echo "train: $tool missing (scripts/setup.sh installs tesseract-ocr)"; exit 1; }
done

mkdir -p "$work/ckpt"
go build -o "$work/tessfloat" ./cmd/tessfloat
go build -o "$work/shinsei-lines" ./cmd/shinsei-lines

# 1. The base model, its word list, and the network to start from in
#    floating point.
combine_tessdata -u "$base" "$work/jpn." >/dev/null
dawg2wordlist "$work/jpn.lstm-unicharset" "$work/jpn.lstm-word-dawg" "$work/words.txt" >/dev/null
case "$from" in
base) "$work/tessfloat" "$work/jpn.lstm" "$work/start-float.lstm" ;;
hand)
	combine_tessdata -u "$committed" "$work/hand." >/dev/null
	"$work/tessfloat" "$work/hand.lstm" "$work/start-float.lstm"
	;;
*) echo "train: TRAIN_FROM is base or hand, not $from"; exit 2 ;;
esac

# 2. Training lines: images as the reader shows them to Tesseract, with
#    their text and a line box file each; then Tesseract's lstmf form.
if [ ! -f "$work/lines/.complete" ] || [ "$(cat "$work/lines/.complete")" != "$lines $seed" ]; then
	rm -rf "$work/lines"
	"$work/shinsei-lines" -out "$work/lines" -n "$lines" -seed "$seed" -words "$work/words.txt"
	find "$work/lines" -name '*.png' | sort | sed 's/\.png$//' |
		xargs -P "$jobs" -I{} sh -c 'tesseract {}.png {} --psm 13 -l jpn lstm.train >/dev/null 2>&1 || echo "train: no lstmf for {}" >&2'
	echo "$lines $seed" >"$work/lines/.complete"
fi
find "$work/lines" -name '*.lstmf' | sort >"$work/all.txt"
# One line in twenty is held out to watch the error rate on.
awk 'NR % 20 == 0' "$work/all.txt" >"$work/eval.txt"
awk 'NR % 20 != 0' "$work/all.txt" >"$work/train.txt"
echo "train: $(wc -l <"$work/train.txt") training lines, $(wc -l <"$work/eval.txt") held out"

# 3. Fine-tune.
rm -f "$work"/ckpt/*
lstmtraining \
	--continue_from "$work/start-float.lstm" \
	--traineddata "$base" \
	--train_listfile "$work/train.txt" \
	--eval_listfile "$work/eval.txt" \
	--model_output "$work/ckpt/jpn_hand" \
	${rate:+--reset_learning_rate --learning_rate "$rate"} \
	--max_iterations "$iterations" \
	--target_error_rate 0.001 2>&1 | tee "$work/train.log" | grep -E 'At iteration|Finished|best' || true

# 4. The runtime model, integer like the one it came from.
lstmtraining --stop_training --convert_to_int \
	--continue_from "$work/ckpt/jpn_hand_checkpoint" \
	--traineddata "$base" \
	--model_output "$work/jpn_hand.traineddata" >/dev/null 2>&1
lstmeval --model "$work/jpn_hand.traineddata" --eval_listfile "$work/eval.txt" 2>&1 | tail -1
lstmeval --model "$base" --eval_listfile "$work/eval.txt" 2>&1 | tail -1 | sed 's/^/base jpn: /'
mkdir -p "$(dirname "$out")"
cp "$work/jpn_hand.traineddata" "$out"
echo "train: wrote $out ($(du -h "$out" | cut -f1))"
