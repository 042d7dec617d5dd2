# The two commands of the README:
#   make demo   install what is missing, build shinsei, and show it working
#   make test   install what the tests need (MinIO included) and run them all

GO      ?= go
BIN     := bin/shinsei
# The machine may set GOFLAGS=-buildvcs=false; a build from a checkout should
# still say which commit it is.
GOBUILD := $(GO) build -buildvcs=auto

.PHONY: all build setup demo test vet clean

all: build

setup:
	scripts/setup.sh

build: setup
	$(GOBUILD) -o $(BIN) ./cmd/shinsei

demo: build
	scripts/demo.sh

test:
	scripts/test.sh

vet:
	gofmt -l $$(git ls-files '*.go')
	$(GO) vet ./...

clean:
	rm -rf bin .cache/test-report.json
