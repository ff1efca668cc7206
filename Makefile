# uringkit: a from-scratch liburing. Plain GNU make; sources are picked up
# by glob, so adding a file under src/, test/ or tools/ needs no edit here.
#
#   make                 library (liburing.so.2, liburing.a) and the uringkit tool
#   make run             uringkit probe, then a short benchmark
#   make check           build and run the test suite
#   make check SANITIZE=1  the same under AddressSanitizer + UBSan (in build-san/)
#   make install         PREFIX, DESTDIR, LIBDIR, INCLUDEDIR, MANDIR honoured

VERSION    := 2.16
SOVERSION  := 2
UK_VERSION := 0.1

ifeq ($(SANITIZE),1)
O ?= build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	     -fno-omit-frame-pointer
else
O ?= build
SAN_FLAGS :=
endif

CC      ?= cc
AR      ?= ar
LD      ?= ld
OBJCOPY ?= objcopy
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Werror=implicit-function-declaration -Werror=int-conversion \
	   -Werror=incompatible-pointer-types
BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARN) $(SAN_FLAGS) $(CFLAGS)

PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions

OUT := $(abspath $(O))

# Quiet by default: one short line per step. V=1 prints every command.
ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = printf '  %-6s %s\n' '$(1)' '$(2)';
endif

# ---- library ---------------------------------------------------------------
LIB_SRCS := $(wildcard src/*.c src/uringkit/*.c)
LIB_OBJS := $(patsubst src/%.c,$(O)/obj/%.o,$(LIB_SRCS))
LIB_HDRS := $(wildcard include/*.h include/liburing/*.h \
		       include/liburing/io_uring/*.h include/uringkit/*.h \
		       src/internal/*.h src/uringkit/*.h)
LIB_CFLAGS := $(BASE_CFLAGS) -fPIC -fvisibility=hidden -Iinclude -Isrc
SONAME   := liburing.so.$(SOVERSION)
SHLIB    := $(O)/liburing.so.$(VERSION)
STLIB    := $(O)/liburing.a

all: lib tool examples

FFI_SONAME := liburing-ffi.so.$(SOVERSION)
FFI_SHLIB  := $(O)/liburing-ffi.so.$(VERSION)
FFI_STLIB  := $(O)/liburing-ffi.a

lib: $(O)/$(SONAME) $(O)/liburing.so $(STLIB) $(O)/liburing.pc \
     $(O)/$(FFI_SONAME) $(O)/liburing-ffi.so $(FFI_STLIB) $(O)/liburing-ffi.pc

$(O)/obj/%.o: src/%.c $(LIB_HDRS) Makefile
	@mkdir -p $(dir $@)
	@$(call msg,CC,$@)
	$(Q)$(CC) $(LIB_CFLAGS) -c $< -o $@

$(SHLIB): $(LIB_OBJS) src/liburing.map
	@$(call msg,LD,$@)
	$(Q)$(CC) $(LIB_CFLAGS) -shared -Wl,-soname,$(SONAME) \
		-Wl,--version-script=src/liburing.map -Wl,-z,defs \
		-o $@ $(LIB_OBJS) $(SAN_FLAGS)

$(O)/$(SONAME): $(SHLIB)
	@$(call msg,LN,$@)
	$(Q)ln -sf $(notdir $<) $@

$(O)/liburing.so: $(O)/$(SONAME)
	@$(call msg,LN,$@)
	$(Q)ln -sf $(SONAME) $@

# The archives hold one relocatable object each, with every hidden symbol
# made local: a program linking liburing.a can call the public names only,
# never the library's uk__ internals (test/abi-nm checks both libraries).
$(O)/obj/%-all.o:
	@mkdir -p $(dir $@)
	@$(call msg,LD -r,$@)
	$(Q)$(LD) -r -o $@ $^
	$(Q)$(OBJCOPY) --localize-hidden $@

$(O)/obj/liburing-all.o: $(LIB_OBJS)

$(STLIB): $(O)/obj/liburing-all.o
	@$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(O)/%.pc: %.pc.in Makefile
	@mkdir -p $(O)
	@$(call msg,GEN,$@)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    $< > $@

# liburing-ffi: the same objects plus the inline helpers compiled once as
# exported functions (src/ffi/ffi.c), under their own version script.
$(O)/obj/ffi/%.o: src/ffi/%.c $(LIB_HDRS) Makefile
	@mkdir -p $(dir $@)
	@$(call msg,CC,$@)
	$(Q)$(CC) $(LIB_CFLAGS) -c $< -o $@

FFI_OBJS := $(LIB_OBJS) $(O)/obj/ffi/ffi.o

$(FFI_SHLIB): $(FFI_OBJS) src/liburing-ffi.map
	@$(call msg,LD,$@)
	$(Q)$(CC) $(LIB_CFLAGS) -shared -Wl,-soname,$(FFI_SONAME) \
		-Wl,--version-script=src/liburing-ffi.map -Wl,-z,defs \
		-o $@ $(FFI_OBJS) $(SAN_FLAGS)

$(O)/$(FFI_SONAME): $(FFI_SHLIB)
	@$(call msg,LN,$@)
	$(Q)ln -sf $(notdir $<) $@

$(O)/liburing-ffi.so: $(O)/$(FFI_SONAME)
	@$(call msg,LN,$@)
	$(Q)ln -sf $(FFI_SONAME) $@

$(O)/obj/liburing-ffi-all.o: $(FFI_OBJS)

$(FFI_STLIB): $(O)/obj/liburing-ffi-all.o
	@$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

# ---- uringkit tool ---------------------------------------------------------
TOOL_SRCS := $(wildcard tools/uringkit/*.c tools/uringkit/*/*.c)
TOOL_HDRS := $(wildcard tools/uringkit/*.h tools/uringkit/*/*.h)
LINK_URING := -L$(O) -l:$(SONAME) -Wl,-rpath,$(OUT)

# The tool finds the library beside it in the build tree and in ../lib once
# installed (a relative rpath, so the install does not point into the tree).
TOOL_LINK := -L$(O) -l:$(SONAME) -Wl,-rpath,'$$ORIGIN:$$ORIGIN/../lib'

tool: $(O)/uringkit

$(O)/uringkit: $(TOOL_SRCS) $(TOOL_HDRS) $(O)/$(SONAME)
	@$(call msg,CC,$@)
	$(Q)$(CC) $(BASE_CFLAGS) -DURINGKIT_VERSION='"$(UK_VERSION)"' \
		-Iinclude -Itools/uringkit -o $@ \
		$(TOOL_SRCS) $(TOOL_LINK) -lm -lpthread

# ---- examples: small programs a user would copy from -----------------------
EXAMPLE_SRCS := $(wildcard examples/*.c)
EXAMPLE_BINS := $(patsubst examples/%.c,$(O)/examples/%,$(EXAMPLE_SRCS))

examples: $(EXAMPLE_BINS)

$(O)/examples/%: examples/%.c $(O)/$(SONAME) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	@$(call msg,CC,$@)
	$(Q)$(CC) $(BASE_CFLAGS) -Iinclude -o $@ $< $(LINK_URING)

run: all
	$(O)/uringkit probe
	$(O)/uringkit bench --quick

# Userspace cost per request against liburing: compiles its own programs
# from this tree (bench/hotpath.sh), so it is a target, not an installed tool.
hotpath:
	bench/hotpath.sh $(HOTPATH_ARGS)

# ---- tests -----------------------------------------------------------------
TEST_LIB_SRCS := $(wildcard test/lib/*.c)
TEST_LIB_OBJS := $(patsubst test/lib/%.c,$(O)/test/lib/%.o,$(TEST_LIB_SRCS))
TEST_SRCS := $(wildcard test/*.c)
TEST_BINS := $(patsubst test/%.c,$(O)/test/%,$(TEST_SRCS))
# Built against the system's liburing headers and library (Debian's
# liburing-dev), run against ours: the binary-compatibility tests.
ABI_SRCS := $(wildcard test/abi/*.c)
ABI_BINS := $(patsubst test/abi/%.c,$(O)/test/abi-%,$(ABI_SRCS))
TEST_CFLAGS := $(BASE_CFLAGS) -Iinclude -Itest/lib

$(O)/test/lib/%.o: test/lib/%.c $(wildcard test/lib/*.h) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	@$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -c $< -o $@

$(O)/test/libtest.a: $(TEST_LIB_OBJS)
	@$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(O)/test/%: test/%.c $(O)/test/libtest.a $(O)/$(SONAME) $(LIB_HDRS) \
	     $(wildcard test/lib/*.h)
	@mkdir -p $(dir $@)
	@$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -o $@ $< $(O)/test/libtest.a $(LINK_URING) \
		-lpthread

# No -Iinclude: these see only /usr/include/liburing.h. Linking against
# the system library records its version nodes, as a real binary would;
# the runner then loads ours through LD_LIBRARY_PATH.
# A stamp that changes only when liburing-dev comes or goes, so installing
# it later rebuilds the real test over the skip stub (the header's own mtime
# is the package's, usually older than the stub).
ABI_STATE := $(O)/test/.system-liburing

$(ABI_STATE): FORCE
	@mkdir -p $(dir $@)
	@s=$$([ -f /usr/include/liburing.h ] && echo present || echo absent); \
	[ "$$(cat $@ 2>/dev/null)" = "$$s" ] || echo "$$s" > $@

$(O)/test/abi-%: test/abi/%.c $(ABI_STATE)
	@mkdir -p $(dir $@)
	@if [ -f /usr/include/liburing.h ]; then \
		$(call msg,CC,$@ [system liburing headers]) \
		$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) $(SAN_FLAGS) $(CFLAGS) \
			-o $@ $< -luring -lpthread; \
	else \
		printf '#!/bin/sh\necho "skip: liburing-dev (system liburing headers) is not installed"\nexit 77\n' > $@; \
		chmod +x $@; \
	fi

# test/compat: programs written as liburing users write them (<liburing.h>
# only, plain C), run like the tests; each is also compiled as C++ so that
# drift in the headers' C++ side shows up here first.
CXX ?= c++
COMPAT_SRCS := $(wildcard test/compat/*.c)
COMPAT_BINS := $(patsubst test/compat/%.c,$(O)/test/compat-%,$(COMPAT_SRCS))

$(O)/test/compat-%: test/compat/%.c $(O)/$(SONAME) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	@$(call msg,CXX,$<)
	$(Q)$(CXX) -x c++ -std=c++17 -Wall -Wextra -Werror -fsyntax-only -Iinclude $<
	@$(call msg,CC,$@)
	$(Q)$(CC) $(BASE_CFLAGS) -Iinclude -o $@ $< $(LINK_URING)

tests: lib tool examples $(TEST_BINS) $(ABI_BINS) $(COMPAT_BINS)

check: tests
	LD_LIBRARY_PATH=$(OUT) URINGKIT_BUILD=$(OUT) URINGKIT_SRC=$(CURDIR) test/run $(O)/test

# ---- hardening: fuzzing, fault-injection walk, stress, valgrind ------------
# fuzz/<name>.c are libFuzzer targets (fuzz/README). `make fuzz` builds them
# with clang's libFuzzer and runs each for FUZZ_TIME seconds; `make check`
# replays their saved inputs (fuzz/<name>/corpus and crashes) with $(CC),
# no clang needed, as the tests fuzz-<name>.
FUZZ_TARGETS := $(patsubst fuzz/%.c,%,$(filter-out fuzz/driver.c,\
		$(wildcard fuzz/*.c)))
FUZZ_CC    ?= clang-14
FUZZ_TIME  ?= 60
FUZZ_OUT   := build-fuzz
FUZZ_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARN) -g -O1 \
	       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	       -Iinclude -Isrc -Ifuzz
FUZZ_BINS  := $(addprefix $(FUZZ_OUT)/,$(FUZZ_TARGETS))
FUZZ_REPLAY_BINS := $(patsubst %,$(O)/test/fuzz-%,$(FUZZ_TARGETS))

# The library's sources are compiled into each target, so that libFuzzer
# sees their branches too.
$(FUZZ_OUT)/%: fuzz/%.c fuzz/fuzz.h $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	@$(call msg,CC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRCS) -lpthread

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	FUZZ_TIME=$(FUZZ_TIME) fuzz/run $(FUZZ_OUT) $(FUZZ_TARGETS)

$(O)/test/fuzz-%: fuzz/%.c fuzz/driver.c fuzz/fuzz.h $(O)/$(SONAME) \
		  $(LIB_HDRS)
	@mkdir -p $(dir $@)
	@$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -Isrc -Ifuzz -DFUZZ_DIR='"$(abspath fuzz/$*)"' \
		-o $@ $< fuzz/driver.c $(LINK_URING) -lpthread

tests: $(FUZZ_REPLAY_BINS)

# The fault-injection walk (test/fault/walk.c): the library's sources
# again, with URINGKIT_FAULT_INJECTION routing every system call through
# the test's hook, and its allocations wrapped at link time. The normal
# build is untouched.
FAULT_OBJS := $(patsubst src/%.c,$(O)/fault/%.o,$(LIB_SRCS))
FAULT_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free

$(O)/fault/%.o: src/%.c $(LIB_HDRS) Makefile
	@mkdir -p $(dir $@)
	@$(call msg,CC,$@)
	$(Q)$(CC) $(BASE_CFLAGS) -DURINGKIT_FAULT_INJECTION -Iinclude -Isrc \
		-c $< -o $@

$(O)/test/fault-walk: test/fault/walk.c $(FAULT_OBJS) $(O)/test/libtest.a \
		      $(LIB_HDRS)
	@mkdir -p $(dir $@)
	@$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -Isrc -o $@ $< $(FAULT_OBJS) \
		$(O)/test/libtest.a $(FAULT_WRAP) -lpthread

tests: $(O)/test/fault-walk

# Long runs, not part of check: STRESS_N completions (default 10 million)
# per setup; see test/stress/stress.c.
$(O)/stress: test/stress/stress.c $(O)/test/libtest.a $(O)/$(SONAME) \
	     $(LIB_HDRS)
	@$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -o $@ $< $(O)/test/libtest.a $(LINK_URING) \
		-lpthread

stress: $(O)/stress
	$(O)/stress

# The whole suite under valgrind's memcheck (test/valgrind; what memcheck
# cannot model is listed, with the reason, in test/valgrind.conf).
valgrind: tests
	LD_LIBRARY_PATH=$(OUT) URINGKIT_BUILD=$(OUT) test/valgrind $(O)/test

.PHONY: stress valgrind

.PHONY: fuzz fuzz-build

# ---- install ---------------------------------------------------------------
INSTALL_HDRS := $(wildcard include/liburing.h include/liburing/*.h \
			   include/liburing/io_uring/*.h include/uringkit/*.h)
MAN_PAGES    := $(wildcard man/man1/*.1 man/man3/*.3 man/man7/*.7)
LIB_FILES    := liburing.so.$(VERSION) $(SONAME) liburing.so liburing.a \
		liburing-ffi.so.$(VERSION) $(FFI_SONAME) liburing-ffi.so \
		liburing-ffi.a

# Every step is checked: a part that fails to install fails the install.
install: lib tool
	set -e; \
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(BINDIR); \
	install -m 755 $(SHLIB) $(FFI_SHLIB) $(DESTDIR)$(LIBDIR)/; \
	install -m 644 $(STLIB) $(FFI_STLIB) $(DESTDIR)$(LIBDIR)/; \
	ln -sf liburing.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME); \
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/liburing.so; \
	ln -sf liburing-ffi.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(FFI_SONAME); \
	ln -sf $(FFI_SONAME) $(DESTDIR)$(LIBDIR)/liburing-ffi.so; \
	for h in $(INSTALL_HDRS); do \
		install -D -m 644 $$h $(DESTDIR)$(INCLUDEDIR)/$${h#include/}; \
	done; \
	install -m 644 $(O)/liburing.pc $(O)/liburing-ffi.pc $(DESTDIR)$(PKGCONFIGDIR)/; \
	install -m 755 $(O)/uringkit $(DESTDIR)$(BINDIR)/; \
	for f in $(MAN_PAGES); do \
		install -D -m 644 $$f $(DESTDIR)$(MANDIR)/$${f#man/}; \
	done; \
	install -D -m 644 tools/completion/uringkit.bash $(DESTDIR)$(COMPLETIONDIR)/uringkit

# Removes exactly what install put there, then the directories it made if
# they are left empty (under a DESTDIR: every directory left empty).
uninstall:
	set -e; \
	for f in $(LIB_FILES); do rm -f $(DESTDIR)$(LIBDIR)/$$f; done; \
	for h in $(INSTALL_HDRS); do rm -f $(DESTDIR)$(INCLUDEDIR)/$${h#include/}; done; \
	rm -f $(DESTDIR)$(PKGCONFIGDIR)/liburing.pc $(DESTDIR)$(PKGCONFIGDIR)/liburing-ffi.pc; \
	rm -f $(DESTDIR)$(BINDIR)/uringkit $(DESTDIR)$(COMPLETIONDIR)/uringkit; \
	for f in $(MAN_PAGES); do rm -f $(DESTDIR)$(MANDIR)/$${f#man/}; done; \
	for d in $(INCLUDEDIR)/liburing/io_uring $(INCLUDEDIR)/liburing \
		 $(INCLUDEDIR)/uringkit $(MANDIR)/man1 $(MANDIR)/man3 $(MANDIR)/man7; do \
		[ -d $(DESTDIR)$$d ] && rmdir --ignore-fail-on-non-empty $(DESTDIR)$$d; \
	done; \
	if [ -n "$(DESTDIR)" ] && [ -d "$(DESTDIR)" ]; then \
		find "$(DESTDIR)" -mindepth 1 -depth -type d -empty -delete; \
	fi

# Install into a scratch DESTDIR, check the parts are there and that the
# installed tool runs on the installed library, uninstall, check it is empty.
check-install: lib tool
	@set -e; d=$$(mktemp -d); \
	$(MAKE) -s install DESTDIR=$$d; \
	for f in $(LIBDIR)/$(SONAME) $(LIBDIR)/liburing-ffi.a $(BINDIR)/uringkit \
		 $(INCLUDEDIR)/liburing.h $(PKGCONFIGDIR)/liburing.pc \
		 $(MANDIR)/man7/uringkit.7 $(MANDIR)/man1/uringkit.1 \
		 $(COMPLETIONDIR)/uringkit; do \
		[ -e $$d$$f ] || { echo "check-install: $$f was not installed" >&2; exit 1; }; \
	done; \
	$$d$(BINDIR)/uringkit probe --json >/dev/null; \
	$(MAKE) -s uninstall DESTDIR=$$d; \
	left=$$(find $$d -mindepth 1 | head -5); \
	[ -z "$$left" ] || { echo "check-install: uninstall left $$left" >&2; exit 1; }; \
	rmdir $$d; echo "check-install: install and uninstall are clean"

help:
	@echo 'uringkit: a from-scratch liburing. Targets:'
	@echo '  make               the libraries, the uringkit tool and the examples'
	@echo '  make run           uringkit probe, then a short benchmark'
	@echo '  make hotpath       instructions per request against liburing (HOTPATH_ARGS=--quick)'
	@echo '  make check         build and run the test suite (SANITIZE=1: ASan + UBSan)'
	@echo '  make install       PREFIX, DESTDIR, LIBDIR, INCLUDEDIR, BINDIR, MANDIR'
	@echo '  make uninstall     remove what make install put there (same variables)'
	@echo '  make check-install install into a scratch DESTDIR, check, uninstall'
	@echo '  make clean         remove build/ and build-san/'
	@echo '  make help          this list'
	@echo 'Variables: V=1 shows every command; O=DIR builds elsewhere; CC, CFLAGS.'

clean:
	rm -rf build build-san build-fuzz

FORCE:

.PHONY: FORCE all lib tool examples run hotpath tests check install uninstall check-install help clean
.SECONDARY:
