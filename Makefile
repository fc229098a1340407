# Commonplace: common tasks. `make run` gives a demo hub; `make test` runs
# every test, as CI does.

GO       ?= go
TAGS     := sqlite_fts5
DATA     ?= ./data
ADDR     ?= 127.0.0.1:8080
# The public URL follows the port of ADDR unless given: make run ADDR=127.0.0.1:9000
URL      ?= http://localhost:$(lastword $(subst :, ,$(ADDR)))
NPM_DIR  := cmd/commonplace/browsertest/testdata/npm
FEDIFY_DIR := federation/interop/testdata/fedify
FEDIFY2_DIR := federation/interop/testdata/fedify2

.PHONY: build run test test-deps fuzz vet fmt clean

## build: the commonplace binary in ./commonplace
build:
	$(GO) build -tags $(TAGS) -o commonplace ./cmd/commonplace

## run: a demo hub on http://localhost:8080 with sample content; the admin
## login is printed when it starts. ADDR, DATA and URL change where it
## listens, keeps its data and says it is: make run ADDR=127.0.0.1:9000
run: build
	./commonplace serve --demo --data $(DATA) --addr $(ADDR) --url $(URL)

## test-deps: the npm packages the tests need: axe-core for the browser
## test, @fedify/fedify 1.6.2 and 2.x for the interop peers (exact versions,
## from lockfiles; the 2.x folder's lockfile also brings the Node 22 it runs on)
test-deps:
	cd $(NPM_DIR) && npm ci --no-audit --no-fund
	cd $(FEDIFY_DIR) && npm ci --no-audit --no-fund
	cd $(FEDIFY2_DIR) && npm ci --no-audit --no-fund

## test: every test, including the headless-browser one, then each fuzz
## target for a bounded time
test: test-deps
	$(GO) vet -tags $(TAGS) ./...
	$(GO) test -tags $(TAGS) -count=1 -timeout 15m ./...
	$(MAKE) fuzz

## fuzz: run every fuzz target for a fixed number of inputs (about 15 s
## each on a 2-core machine; seeded from the real documents and feeds in
## testdata/). A count, not a duration: with -fuzztime 15s, Go's fuzzing
## coordinator can fail a clean run with "context deadline exceeded" when a
## busy machine keeps a worker past the deadline (golang/go#75804).
## FUZZTIME=10m (or 5000000x) overrides every target for a longer hunt.
## A new target is a Name:./package/:count entry in FUZZ_TARGETS
## (sanitisers: see internal/htmlcheck).
FUZZTIME ?=
FUZZ_TARGETS := FuzzSanitize:./hub/remotehtml/:200000x FuzzMarkdown:./internal/markdown/:100000x FuzzParseSignature:./federation/signature/:500000x FuzzParseSignatureInput:./federation/signature/:400000x FuzzInboxDocument:./federation/:80000x FuzzParse:./hub/calendar/:100000x FuzzNormalizeHost:./internal/netaddr/:600000x FuzzClassify:./internal/netaddr/:600000x
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		name=$${t%%:*}; rest=$${t#*:}; pkg=$${rest%%:*}; budget=$${rest#*:}; \
		if [ -n "$(FUZZTIME)" ]; then budget="$(FUZZTIME)"; fi; \
		echo "fuzz $$name in $$pkg for $$budget"; \
		$(GO) test -tags $(TAGS) -run '^$$' -fuzz "^$$name\$$" -fuzztime $$budget $$pkg || exit 1; \
	done

vet:
	$(GO) vet -tags $(TAGS) ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -f commonplace
