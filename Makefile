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
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man/man1
COMPDIR = $(PREFIX)/share/bash-completion/completions

ALL_CFLAGS = $(CFLAGS) $(CFLAGS_EXTRA) -DSFTPTOP_VERSION='"$(VERSION)"' -Isrc $(PCRE_CFLAGS) $(ZLIB_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(LDFLAGS_EXTRA)

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

all: $(BIN) $(TOOLS)

$(B)/src/%.o: src/%.c $(wildcard src/*.h) config.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/ui/%.o: ui/%.c $(wildcard ui/*.h src/*.h) config.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iui $(CURSES_CFLAGS) -c -o $@ $<

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
