# sftptop build. Run ./configure first; it writes config.mk.
#
# Objects go to $(B) (default build/), so variants can be built side by side:
#   make B=build/san CFLAGS_EXTRA=-fsanitize=address,undefined
# src/ (minus main.c) becomes $(B)/libsftptop.a, which the tests and fuzzers
# link without curses; ui/ and src/main.c make the program.

VERSION = 0.1.0

-include config.mk
ifeq ($(wildcard config.mk),)
$(error config.mk is missing: run ./configure first)
endif

B ?= build
ifeq ($(strip $(B)),)
$(error B is empty)
endif
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man/man1
COMPDIR = $(PREFIX)/share/bash-completion/completions

ALL_CFLAGS = $(CFLAGS) $(CFLAGS_EXTRA) -DSFTPTOP_VERSION='"$(VERSION)"' -Isrc $(PCRE_CFLAGS) $(ZLIB_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(LDFLAGS_EXTRA)

# Profile-guided optimisation (PGO = 1 in config.mk when ./configure found the compiler
# able; make PGO=0 builds without). The objects of src/ and ui/ are compiled with a
# profile of the program loading logs that tests/pgo-train.sh generates (other seeds and
# sizes than the benchmark's). The profile is taken from the same objects, instrumented,
# built where the real ones go (GCC names a file's static functions after the object's
# path: the two builds must agree on it), then deleted. Variants with CFLAGS_EXTRA
# (sanitizers, the instrumented build itself) are built without.
USE_PGO = $(if $(filter 1,$(PGO)),$(if $(strip $(CFLAGS_EXTRA)),0,1),0)
PGO_PROF = $(abspath $(B))/pgo-profile
PGO_STAMP = $(B)/pgo-profile.stamp
PGO_MARK = $(B)/pgo-instrumented
ifeq ($(USE_PGO),1)
# a profile that is not there for a file (should not happen) warns, and stays a warning
PGO_CFLAGS = -fprofile-use=$(PGO_PROF) -fprofile-partial-training -Wno-error=missing-profile
PGO_DEP = $(PGO_STAMP)
endif

LIB_SRC = $(filter-out src/main.c, $(wildcard src/*.c))
UI_SRC = $(wildcard ui/*.c)
TEST_SRC = $(wildcard tests/check_*.c)
TOOL_SRC = $(wildcard tests/tools/*.c)

LIB_OBJ = $(LIB_SRC:%.c=$(B)/%.o)
UI_OBJ = $(UI_SRC:%.c=$(B)/%.o)
TEST_OBJ = $(TEST_SRC:%.c=$(B)/%.o)
TOOLS = $(TOOL_SRC:tests/tools/%.c=$(B)/tools/%)

LIB = $(B)/libsftptop.a
BIN = $(B)/sftptop
CHECK = $(B)/check_sftptop

PGO_OBJ = $(B)/src/*.o $(B)/ui/*.o $(LIB) $(BIN) $(B)/tools/genlog
ifeq ($(PGO_TRAINING),)
ifneq ($(wildcard $(PGO_MARK)),)
$(shell rm -f $(PGO_OBJ) $(PGO_MARK))
endif
endif

all: $(BIN) $(TOOLS)

$(B)/src/%.o: src/%.c $(wildcard src/*.h) config.mk $(PGO_DEP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(PGO_CFLAGS) -c -o $@ $<

$(B)/ui/%.o: ui/%.c $(wildcard ui/*.h src/*.h) config.mk $(PGO_DEP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(PGO_CFLAGS) -Iui $(CURSES_CFLAGS) -c -o $@ $<

# The profile, made again when a source of the program changes: the program and genlog
# built instrumented, the training load, then their objects deleted for the real build.
# The stamp is dated from the start (a source saved meanwhile makes it stale). While
# instrumented objects exist, $(PGO_MARK) does: a make that finds it (the last one was
# interrupted, or its training failed) deletes them before anything else.
$(PGO_STAMP): $(LIB_SRC) src/main.c $(UI_SRC) $(wildcard src/*.h ui/*.h) tests/tools/genlog.c \
		tests/pgo-train.sh config.mk
	rm -rf $(PGO_PROF) $(PGO_OBJ) $@
	@mkdir -p $(B) && touch $@.new $(PGO_MARK)
	$(MAKE) --no-print-directory PGO=0 PGO_TRAINING=1 LDFLAGS_EXTRA="$(LDFLAGS_EXTRA) -fprofile-generate" \
		CFLAGS_EXTRA="-fprofile-generate=$(PGO_PROF) -fprofile-update=prefer-atomic" $(BIN) $(B)/tools/genlog
	sh tests/pgo-train.sh $(BIN) $(B)/tools/genlog $(B)/pgo-train
	rm -f $(PGO_OBJ) $(PGO_MARK)
	@mv $@.new $@

$(B)/tests/%.o: tests/%.c $(wildcard tests/*.h src/*.h) config.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(BIN): $(B)/src/main.o $(UI_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(B)/src/main.o $(UI_OBJ) $(LIB) $(CURSES_LIBS) $(PCRE_LIBS) $(ZLIB_LIBS) -lm -lpthread

$(CHECK): $(TEST_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(TEST_OBJ) $(LIB) $(CHECK_LIBS) $(PCRE_LIBS) $(ZLIB_LIBS) -lm -lpthread

# tailorder runs the writer's steps inside the follower's fstat() (see the tool)
$(B)/tools/tailorder: TOOL_LDFLAGS = -Wl,--wrap=fstat
$(B)/tools/%: tests/tools/%.c $(LIB) config.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(TOOL_LDFLAGS) -o $@ $< $(LIB) $(PCRE_LIBS) $(ZLIB_LIBS) -lm -lpthread

# The whole suite: unit tests, then every tests/t-*.sh (exit 77 = skipped).
# tests/run.sh also builds and runs the sanitizer and valgrind passes.
check: all $(CHECK)
	@B=$(B) sh tests/run.sh

# Just the Check unit suites (quick, for development).
unit: $(CHECK)
	$(CHECK)

bench: all
	@B=$(B) sh tests/bench/run.sh

fuzz:
	@sh tests/fuzz/run.sh

demo: all
	$(BIN) --replay sample-logs/busy-day.log

run: all
	$(BIN) sample-logs/busy-day.log

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/sftptop
	install -m 644 man/sftptop.1 $(DESTDIR)$(MANDIR)/sftptop.1
	install -d $(DESTDIR)$(COMPDIR)
	install -m 644 debian/sftptop.bash-completion $(DESTDIR)$(COMPDIR)/sftptop

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sftptop $(DESTDIR)$(MANDIR)/sftptop.1 $(DESTDIR)$(COMPDIR)/sftptop

# dist: $(B)/sftptop-VERSION.tar.gz of every file git tracks, as it is in the
# working tree. distcheck: unpack it, build it and run its tests on their own.
DIST = sftptop-$(VERSION)

dist:
	@git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "make dist: needs a git checkout" >&2; exit 1; }
	@mkdir -p $(B)
	git ls-files -z | tar --null -T - --transform 's,^,$(DIST)/,' --sort=name --owner=0 --group=0 \
		--numeric-owner --mode=u+w,go-w -czf $(B)/$(DIST).tar.gz
	@echo "wrote $(B)/$(DIST).tar.gz"

distcheck: dist
	rm -rf $(B)/distcheck && mkdir -p $(B)/distcheck
	tar -xzf $(B)/$(DIST).tar.gz -C $(B)/distcheck
	cd $(B)/distcheck/$(DIST) && ./configure && $(MAKE) && SFTPTOP_QUICK=1 SFTPTOP_NO_DEB=1 $(MAKE) check
	@echo "$(DIST).tar.gz builds and passes its tests on its own"

clean:
	rm -rf build

distclean: clean
	rm -f config.mk

.PHONY: all check unit bench fuzz demo run install uninstall dist distcheck clean distclean
