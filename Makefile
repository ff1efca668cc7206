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

OUT := $(abspath $(O))

# ---- library ---------------------------------------------------------------
LIB_SRCS := $(wildcard src/*.c)
LIB_OBJS := $(patsubst src/%.c,$(O)/obj/%.o,$(LIB_SRCS))
LIB_HDRS := $(wildcard include/*.h include/liburing/*.h include/uringkit/*.h \
		       src/internal/*.h)
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
	$(CC) $(LIB_CFLAGS) -c $< -o $@

$(SHLIB): $(LIB_OBJS) src/liburing.map
	$(CC) $(LIB_CFLAGS) -shared -Wl,-soname,$(SONAME) \
		-Wl,--version-script=src/liburing.map -Wl,-z,defs \
		-o $@ $(LIB_OBJS) $(SAN_FLAGS)

$(O)/$(SONAME): $(SHLIB)
	ln -sf $(notdir $<) $@

$(O)/liburing.so: $(O)/$(SONAME)
	ln -sf $(SONAME) $@

$(STLIB): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(O)/%.pc: %.pc.in Makefile
	@mkdir -p $(O)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    $< > $@

# liburing-ffi: the same objects plus the inline helpers compiled once as
# exported functions (src/ffi/ffi.c), under their own version script.
$(O)/obj/ffi/%.o: src/ffi/%.c $(LIB_HDRS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) -c $< -o $@

FFI_OBJS := $(LIB_OBJS) $(O)/obj/ffi/ffi.o

$(FFI_SHLIB): $(FFI_OBJS) src/liburing-ffi.map
	$(CC) $(LIB_CFLAGS) -shared -Wl,-soname,$(FFI_SONAME) \
		-Wl,--version-script=src/liburing-ffi.map -Wl,-z,defs \
		-o $@ $(FFI_OBJS) $(SAN_FLAGS)

$(O)/$(FFI_SONAME): $(FFI_SHLIB)
	ln -sf $(notdir $<) $@

$(O)/liburing-ffi.so: $(O)/$(FFI_SONAME)
	ln -sf $(FFI_SONAME) $@

$(FFI_STLIB): $(FFI_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# ---- uringkit tool ---------------------------------------------------------
TOOL_SRCS := $(wildcard tools/uringkit/*.c)
TOOL_HDRS := $(wildcard tools/uringkit/*.h)
LINK_URING := -L$(O) -l:$(SONAME) -Wl,-rpath,$(OUT)

# libaio is only the benchmark's comparison point: without libaio-dev the
# tool still builds and its libaio column says why it is empty.
ifneq ($(wildcard /usr/include/libaio.h),)
TOOL_LIBS := -laio
else
TOOL_LIBS :=
TOOL_DEFS := -DURINGKIT_NO_LIBAIO
endif

# The tool finds the library beside it in the build tree and in ../lib once
# installed (a relative rpath, so the install does not point into the tree).
TOOL_LINK := -L$(O) -l:$(SONAME) -Wl,-rpath,'$$ORIGIN:$$ORIGIN/../lib'

tool: $(O)/uringkit

$(O)/uringkit: $(TOOL_SRCS) $(TOOL_HDRS) $(O)/$(SONAME)
	$(CC) $(BASE_CFLAGS) $(TOOL_DEFS) -Iinclude -Itools/uringkit -o $@ \
		$(TOOL_SRCS) $(TOOL_LINK) $(TOOL_LIBS) -lm -lpthread

# ---- examples: small programs a user would copy from -----------------------
EXAMPLE_SRCS := $(wildcard examples/*.c)
EXAMPLE_BINS := $(patsubst examples/%.c,$(O)/examples/%,$(EXAMPLE_SRCS))

examples: $(EXAMPLE_BINS)

$(O)/examples/%: examples/%.c $(O)/$(SONAME) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Iinclude -o $@ $< $(LINK_URING)

run: all
	$(O)/uringkit probe
	$(O)/uringkit bench --quick

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
	$(CC) $(TEST_CFLAGS) -c $< -o $@

$(O)/test/libtest.a: $(TEST_LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(O)/test/%: test/%.c $(O)/test/libtest.a $(O)/$(SONAME) $(LIB_HDRS) \
	     $(wildcard test/lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(O)/test/libtest.a $(LINK_URING) \
		-lpthread

# No -Iinclude: these see only /usr/include/liburing.h. Linking against
# the system library records its version nodes, as a real binary would;
# the runner then loads ours through LD_LIBRARY_PATH.
$(O)/test/abi-%: test/abi/%.c
	@mkdir -p $(dir $@)
	@if [ -f /usr/include/liburing.h ]; then \
		echo "$(CC) [system liburing headers] -o $@ $<"; \
		$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) $(SAN_FLAGS) $(CFLAGS) \
			-o $@ $< -luring -lpthread; \
	else \
		printf '#!/bin/sh\necho "skip: liburing-dev (system liburing headers) is not installed"\nexit 77\n' > $@; \
		chmod +x $@; \
	fi

tests: lib tool examples $(TEST_BINS) $(ABI_BINS)

check: tests
	LD_LIBRARY_PATH=$(OUT) URINGKIT_BUILD=$(OUT) test/run $(O)/test

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
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRCS) -lpthread

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	FUZZ_TIME=$(FUZZ_TIME) fuzz/run $(FUZZ_OUT) $(FUZZ_TARGETS)

$(O)/test/fuzz-%: fuzz/%.c fuzz/driver.c fuzz/fuzz.h $(O)/$(SONAME) \
		  $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Ifuzz -DFUZZ_DIR='"$(abspath fuzz/$*)"' \
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
	$(CC) $(BASE_CFLAGS) -DURINGKIT_FAULT_INJECTION -Iinclude -Isrc \
		-c $< -o $@

$(O)/test/fault-walk: test/fault/walk.c $(FAULT_OBJS) $(O)/test/libtest.a \
		      $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Isrc -o $@ $< $(FAULT_OBJS) \
		$(O)/test/libtest.a $(FAULT_WRAP) -lpthread

tests: $(O)/test/fault-walk

# Long runs, not part of check: STRESS_N completions (default 10 million)
# per setup; see test/stress/stress.c.
$(O)/stress: test/stress/stress.c $(O)/test/libtest.a $(O)/$(SONAME) \
	     $(LIB_HDRS)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(O)/test/libtest.a $(LINK_URING) \
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
install: lib tool examples
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/liburing \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(BINDIR)
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf liburing.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/liburing.so
	install -m 644 $(STLIB) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(FFI_SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf liburing-ffi.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(FFI_SONAME)
	ln -sf $(FFI_SONAME) $(DESTDIR)$(LIBDIR)/liburing-ffi.so
	install -m 644 $(FFI_STLIB) $(DESTDIR)$(LIBDIR)/
	install -m 644 include/liburing.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 include/liburing/*.h $(DESTDIR)$(INCLUDEDIR)/liburing/
	if [ -n "$(wildcard include/uringkit/*.h)" ]; then \
		install -d $(DESTDIR)$(INCLUDEDIR)/uringkit && \
		install -m 644 include/uringkit/*.h $(DESTDIR)$(INCLUDEDIR)/uringkit/; fi
	install -m 644 $(O)/liburing.pc $(O)/liburing-ffi.pc $(DESTDIR)$(PKGCONFIGDIR)/
	install -m 755 $(O)/uringkit $(DESTDIR)$(BINDIR)/
	for sec in 3 7; do \
		[ -d man/man$$sec ] || continue; \
		install -d $(DESTDIR)$(MANDIR)/man$$sec; \
		for f in man/man$$sec/*.$$sec; do \
			[ -e "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(MANDIR)/man$$sec/; \
		done; \
	done; true

clean:
	rm -rf build build-san build-fuzz

.PHONY: all lib tool examples run tests check install clean
.SECONDARY:
