# The two commands of the README:
#   make demo   install what is missing, build shinsei, and show it working
#   make test   install what the tests need (MinIO included) and run them all

GO      ?= go
BIN     := bin/shinsei
# The machine may set GOFLAGS=-buildvcs=false; a build from a checkout should
# still say which commit it is.
GOBUILD := $(GO) build -buildvcs=auto

# make corpus N=500 MIX=standard SEED=1: a synthetic corpus outside git.
N    ?= 500
MIX  ?= standard
SEED ?= 1

.PHONY: all build setup demo test vet clean corpus bench soak train eval

all: build

setup:
	scripts/setup.sh

build: setup
	$(GOBUILD) -o $(BIN) ./cmd/shinsei
	$(GOBUILD) -o bin/shinsei-gen ./cmd/shinsei-gen
	$(GOBUILD) -o bin/shinsei-eval ./cmd/shinsei-eval

corpus: build
	bin/shinsei-gen -out corpus/$(MIX)-$(N)-seed$(SEED) -n $(N) -mix $(MIX) -seed $(SEED)

demo: build
	scripts/demo.sh

test:
	scripts/test.sh

# make bench: pages/min, p50/p95 per page and peak RSS of shinsei scan,
# shinsei watch and two shinsei workers on 300 generated documents, against
# ocrmypdf on the first five (scripts/bench.sh; about twelve minutes).
bench: build
	scripts/bench.sh

# make soak: SOAK_PAGES (10,000) pages through shinsei scan in batches into
# one store, RSS sampled every second; fails if memory grows more than 10%
# from the first thousand pages to the last. Not part of make test: the
# full run takes about 45 minutes of two cores.
soak: build
	$(GOBUILD) -o bin/shinsei-variants ./cmd/shinsei-variants
	scripts/soak.sh

vet:
	gofmt -l $$(git ls-files '*.go')
	$(GO) vet ./...

clean:
	rm -rf bin .cache/test-report.json

# make eval: accuracy on hands used neither to train the model nor to
# calibrate its thresholds (scangen's holdout hands), hand by hand, on
# EVAL_N generated documents (seed EVAL_SEED), dates judged as of the day
# the generator fills forms in: once scanned as the counter's scanner scans
# (standard), once as a scanner nothing was calibrated or trained on
# (copier). EVAL_HANDS=calibrate (or train) measures those hands instead;
# EVAL_MIXES=standard runs the first table only.
EVAL_N     ?= 150
EVAL_SEED  ?= 303
EVAL_HANDS ?= holdout
EVAL_MIXES ?= standard copier
eval: build
	set -e; for mix in $(EVAL_MIXES); do \
		dir=corpus/eval-$(EVAL_HANDS)-$$mix-$(EVAL_N)-seed$(EVAL_SEED); \
		rm -rf $$dir; \
		bin/shinsei-gen -out $$dir -n $(EVAL_N) -mix $$mix -seed $(EVAL_SEED) -hands $(EVAL_HANDS); \
		echo "== $$mix scans"; \
		OMP_THREAD_LIMIT=1 bin/shinsei-eval --today 2026-11-02 $$dir; \
	done

# make train: fine-tune Tesseract's jpn on generated handwriting lines and
# write ocr/tessdata/jpn_hand.traineddata (bundled into the binary).
train: setup
	scripts/train.sh
