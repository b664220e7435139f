# deskd - build, run, test, benchmark.
#
#   make            build bin/deskd
#   make run        install packages if needed, start the private stack with demo data
#   make test       the same stack without demo data, then every test suite
#                   (and the unit suites again under AddressSanitizer/UBSan, and
#                   make test-adopt)
#   make test-adopt deskd adopting a Libredesk v2.7.0 database (scripts/test-adopt)
#   make bench      wrk through nginx against seeded data, the conversation lists,
#                   the reports, webhook deliveries/s, the live hub's fan-out to
#                   2,000 clients, the statuses list with metrics on and off, and
#                   conversation creates with 0 and 20 automation rules
#   make attack     red-team run on its own stack: forged credentials, CSRF, privilege
#                   escalation, injection, malformed requests per route, a 300k soak
#   make asan-test  unit suites under AddressSanitizer/UBSan
#   make fuzz       every libFuzzer harness for FUZZ_SECONDS (default 60)
#   make fuzz-smoke every harness for 20 s on its seed corpus (part of make test)
#   make install    bin/deskd, sql/, the nginx and Apache files, the systemd units and
#                   the docs (with the OpenAPI document) under DESTDIR/PREFIX (default /usr/local)
#   make deb        a Debian package, build/deb/deskd_<version>_<arch>.deb (dpkg-deb)
#   make deb-test   build it, unpack it into a scratch root, check its files and units
#   make openapi    assemble app/api/openapi/deskd-openapi.json from its fragments
#                   (scripts/openapi; commit the result)
#   make format / format-check / lint

CC      ?= cc
PKG_CONFIG ?= pkg-config

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
           -Wwrite-strings -Wvla -Wimplicit-fallthrough -Wnull-dereference -fno-common
STD     := -std=c11 -D_GNU_SOURCE -I. -Iapp
DEPS_CFLAGS := $(shell $(PKG_CONFIG) --cflags json-c libpq libcrypto libjwt libcurl libwebsockets 2>/dev/null)
DEPS_LIBS   := $(shell $(PKG_CONFIG) --libs json-c libpq libcrypto libjwt libcurl libwebsockets 2>/dev/null) -lfcgi -lcrypt -lmagic -lev
# E-mail (lib/mime.c, lib/html.c): GMime and libxml2, their headers as system headers.
MAIL_CFLAGS := $(patsubst -I%,-isystem %,$(shell $(PKG_CONFIG) --cflags gmime-3.0 libxml-2.0 2>/dev/null))
DEPS_CFLAGS += $(MAIL_CFLAGS)
DEPS_LIBS   += $(shell $(PKG_CONFIG) --libs gmime-3.0 libxml-2.0 2>/dev/null)
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

# The OpenAPI document is built into the binary (api/openapi.c: .incbin).
build/rel/app/api/openapi.o build/asan/app/api/openapi.o build/fuzz/app/api/openapi.o: \
	app/api/openapi/deskd-openapi.json

openapi:
	@scripts/openapi build

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

# libFuzzer harnesses (tests/fuzz/fuzz_<name>.c) over lib/ and app/ built with
# clang under ASan+UBSan.  Working corpora, logs and crash artifacts go to
# var/fuzz/, never into the tree; the seeds in tests/fuzz/corpus/ stay small.
FUZZ_CC     ?= clang
FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
               -fno-omit-frame-pointer
# clang warns of two idioms gcc accepts: "name" + 2 in routes.c, vsnprintf in log.c's vlog.
FUZZ_WARN   := $(WARN) -Wno-string-plus-int -Wno-format-nonliteral
FUZZ_SRC    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES  := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_BINS   := $(FUZZ_NAMES:%=bin/fuzz_%)
FUZZ_DEPS   := $(LIB_SRC:%.c=build/fuzz/%.o) \
               $(filter-out build/fuzz/app/server/main.o,$(APP_SRC:%.c=build/fuzz/%.o))
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_VAR    := var/fuzz
FUZZ_ENV    := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1

build/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(STD) $(FUZZ_WARN) $(FUZZ_CFLAGS) $(DEPS_CFLAGS) -MMD -MP -c $< -o $@

bin/fuzz_%: build/fuzz/tests/fuzz/fuzz_%.o $(FUZZ_DEPS)
	@mkdir -p bin
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(DEPS_LIBS)

fuzz-bins: $(FUZZ_BINS)

# One harness: $(1) name, $(2) seconds, $(3) working corpus directory.
# The dictionary is used when tests/fuzz/<name>.dict exists.
fuzz_run = mkdir -p $(3) $(FUZZ_VAR)/artifacts && \
	$(FUZZ_ENV) bin/fuzz_$(1) -max_total_time=$(2) -timeout=10 -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_VAR)/artifacts/$(1)- \
		$(if $(wildcard tests/fuzz/$(1).dict),-dict=tests/fuzz/$(1).dict) \
		$(3) tests/fuzz/corpus/$(1) >$(3).log 2>&1

fuzz:
	@scripts/setup
	@$(MAKE) --no-print-directory fuzz-bins
	@for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_VAR)/$$n && cp -n tests/fuzz/corpus/$$n/* $(FUZZ_VAR)/$$n/ 2>/dev/null; \
		echo "== fuzz_$$n: $(FUZZ_SECONDS) s"; \
		if $(call fuzz_run,$$n,$(FUZZ_SECONDS),$(FUZZ_VAR)/$$n); then \
			grep -E '^stat::number_of_executed_units' $(FUZZ_VAR)/$$n.log; \
		else \
			tail -n 40 $(FUZZ_VAR)/$$n.log; echo "fuzz: fuzz_$$n failed; see $(FUZZ_VAR)/$$n.log"; \
			exit 1; \
		fi; \
	done

fuzz-smoke:
	@scripts/setup
	@$(MAKE) --no-print-directory fuzz-bins
	@for n in $(FUZZ_NAMES); do \
		rm -rf $(FUZZ_VAR)/smoke/$$n && mkdir -p $(FUZZ_VAR)/smoke/$$n; \
		if $(call fuzz_run,$$n,$(FUZZ_SMOKE_SECONDS),$(FUZZ_VAR)/smoke/$$n); then \
			echo "fuzz-smoke: fuzz_$$n ok," \
				"$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_VAR)/smoke/$$n.log) runs"; \
		else \
			tail -n 40 $(FUZZ_VAR)/smoke/$$n.log; echo "fuzz-smoke: fuzz_$$n failed; see $(FUZZ_VAR)/smoke/$$n.log"; \
			exit 1; \
		fi; \
	done

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
	@echo "== adopting a Libredesk v2.7.0 database (scripts/test-adopt)"
	@scripts/test-adopt
	@echo "== the Debian package (scripts/deb-test)"
	@scripts/deb-test
	@echo "== unit suites under AddressSanitizer and UBSan"
	@$(MAKE) --no-print-directory asan-test
	@echo "== libFuzzer harnesses on their seed corpora"
	@$(MAKE) --no-print-directory fuzz-smoke

test-adopt:
	@scripts/setup
	@$(MAKE) --no-print-directory bin/deskd
	@scripts/test-adopt

asan-test:
	@scripts/setup
	@$(MAKE) --no-print-directory bin/check_unit_asan
	CK_FORK=no ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 bin/check_unit_asan

# Two app hosts, nginx, a PostgreSQL primary and standby with PgBouncer, in
# network namespaces; faults under load (root; about a minute).
scale-test:
	@scripts/setup
	@$(MAKE) --no-print-directory bin/deskd
	@scripts/scale-test

attack:
	@scripts/setup
	@$(MAKE) --no-print-directory bin/deskd
	@scripts/attack

bench:
	@scripts/setup
	@$(MAKE) --no-print-directory bin/deskd bin/fcgi_min
	@scripts/bench
	@scripts/bench-lists
	@scripts/bench-reports
	@scripts/bench-webhooks
	@scripts/bench-ws
	@scripts/bench-mail
	@scripts/bench-metrics
	@scripts/bench-automation

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  := $(PREFIX)/bin
DATADIR := $(PREFIX)/share/deskd
DOCDIR  := $(PREFIX)/share/doc/deskd
UNITDIR ?= $(PREFIX)/lib/systemd/system

# The units name /usr/bin/deskd and /usr/share/deskd/sql (the package's
# paths); installed elsewhere they name PREFIX's.
install: bin/deskd
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/sql/adopt $(DESTDIR)$(DATADIR)/nginx \
		$(DESTDIR)$(DATADIR)/apache $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR)
	install -m 0755 bin/deskd $(DESTDIR)$(BINDIR)/deskd
	install -m 0644 sql/*.sql $(DESTDIR)$(DATADIR)/sql/
	install -m 0644 sql/adopt/*.sql $(DESTDIR)$(DATADIR)/sql/adopt/
	install -m 0644 nginx/deskd.conf nginx/deskd-locations.conf nginx/deskd-fastcgi.conf \
		nginx/deskd-api-only.conf nginx/deskd-webapp.conf $(DESTDIR)$(DATADIR)/nginx/
	install -m 0644 apache/deskd-proxy-fcgi.conf apache/deskd-fcgid.htaccess \
		apache/deskd-cgi.htaccess $(DESTDIR)$(DATADIR)/apache/
	install -m 0755 apache/deskd-wrapper.sh $(DESTDIR)$(DATADIR)/apache/
	for u in deskd.socket deskd.service deskd-migrate.service; do \
		sed -e 's|/usr/bin/deskd|$(BINDIR)/deskd|g' -e 's|/usr/share/deskd/sql|$(DATADIR)/sql|g' \
			-e 's|/usr/share/doc/deskd|$(DOCDIR)|g' scripts/systemd/$$u >$(DESTDIR)$(UNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	install -m 0644 README.md LICENSE $(DESTDIR)$(DOCDIR)/
	install -m 0644 app/api/openapi/deskd-openapi.json $(DESTDIR)$(DOCDIR)/openapi.json
	bin/deskd --help >$(DESTDIR)$(DOCDIR)/deskd.txt
	chmod 0644 $(DESTDIR)$(DOCDIR)/deskd.txt

deb: bin/deskd
	@scripts/deb

deb-test: bin/deskd
	@scripts/deb-test

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

.PHONY: all openapi run test test-adopt scale-test attack asan-test fuzz fuzz-smoke fuzz-bins bench format format-check lint clean test-bins \
	install deb deb-test

-include $(shell find build -name '*.d' 2>/dev/null)
