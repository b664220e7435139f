# deskd - build, run, test, benchmark.
#
#   make            build bin/deskd
#   make run        install packages if needed, start the private stack with demo data
#   make test       the same stack without demo data, then every test suite
#                   (and the unit suites again under AddressSanitizer/UBSan)
#   make bench      wrk through nginx against seeded data
#   make asan-test  unit suites under AddressSanitizer/UBSan
#   make format / format-check / lint

CC      ?= cc
PKG_CONFIG ?= pkg-config

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
           -Wwrite-strings -Wvla -Wimplicit-fallthrough -Wnull-dereference -fno-common
STD     := -std=c11 -D_GNU_SOURCE -I. -Iapp
DEPS_CFLAGS := $(shell $(PKG_CONFIG) --cflags json-c libpq libcrypto libjwt libcurl 2>/dev/null)
DEPS_LIBS   := $(shell $(PKG_CONFIG) --libs json-c libpq libcrypto libjwt libcurl 2>/dev/null) -lfcgi -lcrypt -lmagic
RELEASE := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
RELEASE_LD := -pie -Wl,-z,relro,-z,now
ASAN    := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC := $(wildcard lib/*.c)
APP_SRC := $(shell find app -name '*.c' | sort)
UNIT_SRC := $(shell find tests/unit -name '*.c' | sort)
IT_SRC  := $(wildcard tests/it/*.c)

LIB_OBJ := $(LIB_SRC:%.c=build/rel/%.o)
APP_OBJ := $(APP_SRC:%.c=build/rel/%.o)
APP_NOMAIN := $(filter-out build/rel/app/server/main.o,$(APP_OBJ))

all: bin/deskd

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(RELEASE) $(DEPS_CFLAGS) -MMD -MP -c $< -o $@

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(ASAN) $(DEPS_CFLAGS) -MMD -MP -c $< -o $@

bin/deskd: $(LIB_OBJ) $(APP_OBJ)
	@mkdir -p bin
	$(CC) $(RELEASE) $(RELEASE_LD) -o $@ $^ $(DEPS_LIBS)

CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)
CURL_LIBS  := $(shell $(PKG_CONFIG) --libs libcurl 2>/dev/null)

bin/check_unit: $(UNIT_SRC:%.c=build/rel/%.o) $(LIB_OBJ) $(APP_NOMAIN)
	@mkdir -p bin
	$(CC) $(RELEASE) $(RELEASE_LD) -o $@ $^ $(CHECK_LIBS) $(DEPS_LIBS)

bin/check_unit_asan: $(UNIT_SRC:%.c=build/asan/%.o) $(LIB_SRC:%.c=build/asan/%.o) \
		$(filter-out build/asan/app/server/main.o,$(APP_SRC:%.c=build/asan/%.o))
	@mkdir -p bin
	$(CC) $(ASAN) -o $@ $^ $(CHECK_LIBS) $(DEPS_LIBS)

bin/check_it: $(IT_SRC:%.c=build/rel/%.o)
	@mkdir -p bin
	$(CC) $(RELEASE) $(RELEASE_LD) -o $@ $^ $(CHECK_LIBS) $(CURL_LIBS) \
		$(DEPS_LIBS)

bin/fcgi_min: build/rel/tests/bench/fcgi_min.o
	@mkdir -p bin
	$(CC) $(RELEASE) $(RELEASE_LD) -o $@ $^ -lfcgi

test-bins: bin/deskd bin/check_unit bin/check_it bin/fcgi_min

run:
	@scripts/setup
	@$(MAKE) --no-print-directory all
	@scripts/run

test:
	@scripts/setup
	@$(MAKE) --no-print-directory lint test-bins
	@scripts/test
	@echo "== unit suites under AddressSanitizer and UBSan"
	@$(MAKE) --no-print-directory asan-test

asan-test:
	@scripts/setup
	@$(MAKE) --no-print-directory bin/check_unit_asan
	CK_FORK=no ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 bin/check_unit_asan

bench:
	@scripts/setup
	@$(MAKE) --no-print-directory bin/deskd bin/fcgi_min
	@scripts/bench
	@scripts/bench-lists

C_FILES = $(shell find lib app tests -name '*.[ch]' | sort)

format:
	clang-format -i $(C_FILES)

format-check:
	clang-format --dry-run --Werror $(C_FILES)

# House rules that a grep can check.
lint:
	@! grep -rnE '\b(sprintf|strcpy|strcat|vsprintf|gets)\(' lib app tests --include='*.c' || \
		{ echo "lint: unbounded string functions"; exit 1; }
	@! grep -rnE '\bFCGX_' lib app --include='*.c' | grep -vE '^(lib/fcgi_io\.c|app/server/worker\.c):' || \
		{ echo "lint: libfcgi calls belong in lib/fcgi_io.c"; exit 1; }
	@! grep -rnE '\bjwt_' lib app --include='*.c' | grep -v '^lib/auth\.c:' || \
		{ echo "lint: libjwt calls belong in lib/auth.c"; exit 1; }
	@! grep -rnE '\bPQ[a-zA-Z]+\(' lib app --include='*.[ch]' | grep -v '^lib/db\.c:' || \
		{ echo "lint: libpq calls belong in lib/db.c"; exit 1; }
	@! grep -rnE 'db\.h|\bPQ|\bdb_[a-z_]+\(|\bSTMT_|struct db_(res|stmt)' app/api || \
		{ echo "lint: handlers reach the database only through app/store"; exit 1; }
	@! grep -rn '#include "lib/db.h"' app --include='*.[ch]' | grep -v '^app/store/' || \
		{ echo "lint: lib/db.h belongs to app/store"; exit 1; }
	@! grep -rnE '#include "(store|api|server)/' app/lists || \
		{ echo "lint: the list engine builds SQL from a request; it runs nothing"; exit 1; }
	@! grep -rnE '#include "(app|api|store|server|lists|rules|cli|clients)/' lib || \
		{ echo "lint: lib/ knows nothing of deskd"; exit 1; }

clean:
	rm -rf build bin

.PHONY: all run test asan-test bench format format-check lint clean test-bins

-include $(shell find build -name '*.d' 2>/dev/null)
