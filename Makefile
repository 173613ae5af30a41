# transferguard — see README.md. Every target installs what it needs.
.PHONY: build test quick bench demo fuzz efficacy clean

build:
	go build -o bin/ ./cmd/...

test:
	bash scripts/test.sh

quick:
	QUICK=1 bash scripts/test.sh

bench:
	bash scripts/bench.sh

demo:
	bash scripts/demo.sh

# Fuzz every parser of outside bytes for FUZZTIME each (default 30s).
FUZZTIME ?= 30s
fuzz:
	bash scripts/fuzz.sh $(FUZZTIME)

# The efficacy table of the shipped defaults over testdata/corpus (docs/efficacy.md).
efficacy:
	go run ./cmd/tgcorpus efficacy -rules

clean:
	rm -rf bin
