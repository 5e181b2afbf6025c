# migcheck - the two commands are 'make demo' and 'make test'.
# Meson and ninja do the building; this file only names the jobs.

BUILD   ?= build
ASAN    ?= build-asan
WIN     ?= build-win64
PREFIX  ?= /usr/local
DESTDIR ?=
MESON_OPTS ?=

.PHONY: all build deps demo test test-sanitize fuzz fuzz-smoke bench install clean man docs windows test-windows

all: build

$(BUILD)/build.ninja:
	@tools/deps.sh build
	meson setup $(BUILD) --prefix=$(PREFIX) $(MESON_OPTS)

build: $(BUILD)/build.ninja
	@tools/deps.sh build
	ninja -C $(BUILD)

demo: build
	./$(BUILD)/migcheck demo

# The test packages are installed before the build is configured for tests;
# a build configured earlier without them (e.g. by 'make demo' on a fresh
# machine) is reconfigured with -Dtests=enabled, where a missing test
# dependency is an error. The closing line counts what ran, per suite.
test:
	@tools/deps.sh test
	@tools/deps.sh build
	@tools/configure-tests.sh $(BUILD) --prefix=$(PREFIX) $(MESON_OPTS)
	ninja -C $(BUILD)
	@rc=0; meson test -C $(BUILD) --print-errorlogs --num-processes 2 || rc=$$?; \
	  python3 tools/testcount.py $(BUILD) || rc=1; exit $$rc

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize:
	@tools/deps.sh sanitize
	@tools/configure-tests.sh $(ASAN) -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debug $(MESON_OPTS)
	ninja -C $(ASAN)
	@rc=0; ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C $(ASAN) --print-errorlogs --num-processes 2 -t 3 || rc=$$?; \
	  python3 tools/testcount.py $(ASAN) || rc=1; exit $$rc

# migcheck.exe for the Exchange server: the offline commands (logs, config,
# explain, causes), cross-built with Debian's mingw-w64, static and stripped.
windows:
	@tools/deps.sh windows
	@test -f $(WIN)/build.ninja || meson setup $(WIN) \
		--cross-file tools/cross/mingw-w64-x86_64.ini -Dnetwork=false -Dbuildtype=release
	ninja -C $(WIN)
	@echo "migcheck.exe: $(WIN)/migcheck.exe"

# The offline test cases against migcheck.exe under wine (headless, a private
# WINEPREFIX in $(WIN)), compared with the Linux build's output on the same input.
test-windows: windows build
	python3 tests/windows/run.py $(BUILD)/migcheck $(WIN)/migcheck.exe \
		$(BUILD)/bench/gen_iislog .

# Coverage-guided fuzzing with libFuzzer (clang); the seed corpora are
# replayed by 'make test' without it.
fuzz:
	@tools/deps.sh fuzz
	@test -f build-fuzz/build.ninja || CC=clang meson setup build-fuzz -Dfuzzing=true \
		-Dtests=disabled -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C build-fuzz
	@echo "fuzzers are in build-fuzz/fuzz/; e.g. build-fuzz/fuzz/fuzz_hostport fuzz/corpus/hostport"

# Every fuzz target for FUZZ_SECONDS (30) seconds each; inputs that reach
# new code are merged (minimized) into fuzz/corpus/NAME. CI runs it.
fuzz-smoke:
	@tools/deps.sh fuzz
	tools/fuzz-smoke.sh

bench: build
	@tools/deps.sh bench
	bench/run.sh $(BUILD)

install: build
	DESTDIR=$(DESTDIR) meson install -C $(BUILD) --no-rebuild

clean:
	rm -rf $(BUILD) $(ASAN) $(WIN) build-fuzz

# The manual page is made from the command and option tables; a test fails
# when docs/migcheck.1 is older than the binary's --help.
man: build
	./$(BUILD)/migcheck --man > docs/migcheck.1

# The cause tables in docs/*.md are made from the catalogue's rows (their
# '<!-- causes: ... -->' blocks); a test fails when one differs.
docs:
	python3 tools/gen-cause-docs.py .
