# probe: a health-probe binary for Kubernetes.
#   make            build bin/probe
#   make demo       run it against the bundled example time server
#   make test       unit and integration tests (about 2 minutes)
#   make test-slow  the slow suites: swarms, crowds, reloads under load
#   make lint       shellcheck, and the rooms' includes (HACKING.md)
#   make check      the tests under ASan/UBSan, and valgrind on the main paths
#   make static     bin/probe-static: fully static (musl), HTTP/HTTPS
#   make static-test  the integration tests against bin/probe-static
#   make static ARCH=aarch64, make static-test ARCH=aarch64  the same for arm64
#     (ARCH: a name of scripts/arches, the one list of architectures)
#   make vm-test ARCH=aarch64  the arm64 probe and its sandbox on an arm64 kernel
#     (qemu-system; every architecture but this machine's)
#   make ci-arches  static-test, vm-test and repro-test of every architecture
#   make repro-test two builds in two directories give the same bytes
#   make release    dist/: a static binary for every architecture, SBOMs,
#                   SHA256SUMS
#   make release-test  the same, checked (checksums, SBOM schema and contents)
#   make deb        dist/probe_VERSION_ARCH.deb (dpkg-buildpackage, lintian)
#   make deb-test   that package installed, used and removed in a clean Debian
#   make image-test build the scratch image with Podman and run it for real
#   make e2e-test   the time server's pod (deploy/k8s) under podman kube play
#   make kube-test  exec probes and the sidecar under a real kubelet (root)
#   make cluster-test  deploy/k8s on a one-node control plane (root)
#   make browser-test  probe serve's status page in Debian's Chromium
#   make monitoring deploy/monitoring/prometheusrule.yaml from probe.rules.yml
#   make bench      whole-process cost against curl, wget, python and a floor
#   make bench-node the same through runc exec, and probe serve's cost per probe
#   make fuzz       each libFuzzer target for FUZZ_TIME seconds (tests/fuzz/)
#   make install    PREFIX=/usr/local DESTDIR=
#   make hooks      the test build with the sandbox's escape attempts (HOOKS=1)
# Variables: WERROR=1 (warnings fail), SANITIZE=address,undefined, HOOKS=1.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man

CC ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wpedantic -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wformat=2 -Wwrite-strings -Wundef \
	-Wold-style-definition -Wvla
HARDEN = -fstack-protector-strong
ifneq ($(WERROR),)
WARN += -Werror
endif

ifneq ($(SANITIZE),)
BUILD ?= build/san
SANFLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD ?= build/default
HARDEN += -D_FORTIFY_SOURCE=2
endif

DEPS = scripts/deps.sh
LIBS_CFLAGS = $(shell $(PKG_CONFIG) --cflags libcurl inih libmicrohttpd libcjson 2>/dev/null)
LIBS = $(shell $(PKG_CONFIG) --libs libcurl inih libmicrohttpd libcjson 2>/dev/null) \
	-lmbedx509 -lmbedcrypto -lpthread
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(HARDEN) $(SANFLAGS) $(LIBS_CFLAGS) \
	$(HOOKS_CFLAGS) -Iprobe -MMD -MP $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

SRCS = probe/main.c probe/cli.c probe/help.c probe/once.c probe/termination.c probe/validate.c \
	probe/process.c \
	probe/config.c probe/check.c probe/parse.c probe/util.c probe/checks.c \
	probe/run.c probe/guard.c probe/sandbox.c probe/sandbox_rules.c probe/seccomp.c probe/landlock.c probe/report.c probe/report_config.c \
	probe/json.c probe/lint.c \
	$(sort $(wildcard probe/check_*.c)) probe/certs.c probe/curlx.c probe/ere.c probe/expect.c probe/grpc.c \
	probe/mountinfo.c probe/mountpoint.c probe/conn.c probe/dialog.c probe/protocols.c \
	probe/wait.c probe/install.c probe/version.c probe/watch.c \
	probe/serve.c probe/serve_http.c probe/serve_kind.c probe/serve_metrics.c \
	probe/serve_history.c probe/serve_page.c probe/serve_reload.c probe/serve_runner.c
# HOOKS=1: the test build, with the sandbox's escape attempts (never shipped).
ifneq ($(HOOKS),)
SRCS += tests/sandbox/escape.c
HOOKS_CFLAGS = -DPROBE_TEST_HOOKS
endif
OBJS = $(SRCS:%.c=$(BUILD)/%.o)
LIB_OBJS = $(filter-out $(BUILD)/probe/main.o,$(OBJS))

UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_OBJS = $(UNIT_SRCS:%.c=$(BUILD)/%.o)
UNIT_BIN = $(BUILD)/unit-tests
HANGFS = $(BUILD)/hangfs
RSS = build/rss

.PHONY: all deps unit-deps test-deps unit hooks integration test install-test check demo install clean \
	test-build test-slow lint ci-arches static static-test vm-test repro-test release release-test deb deb-test image-test kube-test cluster-test k8s-test monitoring e2e-test browser-test bench bench-node bench-serve fuzz

PROBE = $(BUILD)/bin/probe

all: bin/probe

deps:
	@$(DEPS) build

unit-deps:
	@$(DEPS) build unit

test-deps:
	@$(DEPS) build test monitoring db

bin/probe: $(PROBE)
	@mkdir -p bin
	cp $< $@

$(PROBE): $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(OBJS) $(LIBS)

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(UNIT_BIN): $(UNIT_OBJS) $(LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(shell $(PKG_CONFIG) --libs criterion)

$(HANGFS): tests/helpers/hangfs.c | test-deps
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra \
		$(shell $(PKG_CONFIG) --cflags fuse3) -o $@ $< \
		$(shell $(PKG_CONFIG) --libs fuse3)

$(RSS): tests/helpers/rss.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -static -o $@ $<

$(UNIT_OBJS): | unit-deps

unit: $(UNIT_BIN)
	$(UNIT_BIN) --jobs 2

# The gRPC project's Node server and health service, the grpc tests' peer.
GRPC_PEERS = tests/grpc/node_modules/.package-lock.json
$(GRPC_PEERS): tests/grpc/package-lock.json
	@$(DEPS) node
	cd tests/grpc && npm ci --no-audit --no-fund --loglevel=error

# ajv, to validate the JSON the probe writes against docs/schemas/.
SCHEMA_PEERS = tests/schemas/node_modules/.package-lock.json
$(SCHEMA_PEERS): tests/schemas/package-lock.json
	@$(DEPS) node
	cd tests/schemas && npm ci --no-audit --no-fund --loglevel=error

# puppeteer-core, to drive Debian's Chromium over the DevTools protocol.
BROWSER_PEERS = tests/browser/node_modules/.package-lock.json
$(BROWSER_PEERS): tests/browser/package-lock.json
	@$(DEPS) node browser
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error

# probe serve's status page in a real browser, for both builds.
browser-test: $(PROBE) static $(BROWSER_PEERS)
	tests/browser/run.sh $(PROBE)
	tests/browser/run.sh $(STATIC_BIN)

HOOKS_PROBE = $(BUILD)/hooks/bin/probe
hooks:
	$(MAKE) -s HOOKS=1 BUILD=$(BUILD)/hooks $(HOOKS_PROBE)

# SUITES: fast (tests/integration/test_*.sh), slow (slow_*.sh) or all.
SUITES ?= fast
integration: $(PROBE) $(HANGFS) $(RSS) $(GRPC_PEERS) $(SCHEMA_PEERS) hooks
	PROBE_SUITES=$(SUITES) PROBE_HOOKS=$(HOOKS_PROBE) HANGFS=$(HANGFS) RSS=$(RSS) \
		tests/integration/run.sh $(PROBE)

test: test-build unit integration install-test k8s-test

# What make test runs, built first on every core.
JOBS := $(shell nproc 2>/dev/null || echo 2)
test-build:
	$(MAKE) -j$(JOBS) $(PROBE) $(UNIT_BIN) $(HANGFS) $(RSS)
	$(MAKE) -j$(JOBS) -s HOOKS=1 BUILD=$(BUILD)/hooks $(HOOKS_PROBE)

# shellcheck of every script and suite (.shellcheckrc: the idioms it
# leaves alone, and why), and the rooms of probe/ (HACKING.md).
LINTED = scripts/*.sh tests/*.sh tests/*/*.sh bench/*.sh examples/demo.sh .ci/run
lint:
	@$(DEPS) lint
	shellcheck $(LINTED)
	python3 tests/lint/layers.py probe

# What is slow and rarely broken: 200 probes at once and 1000 killed, a
# crowd against serve, 200 reloads under load. CI runs it.
test-slow:
	$(MAKE) SUITES=slow integration

k8s-test:
	@$(DEPS) node monitoring
	cd tests/k8s && npm ci --no-audit --no-fund --loglevel=error
	node tests/k8s/validate.mjs deploy/k8s deploy/k8s-sidecar deploy/k8s-live-config
	node tests/k8s/monitoring.mjs
	promtool check rules deploy/monitoring/probe.rules.yml
	cd deploy/monitoring && promtool test rules probe.rules.test.yml

# deploy/monitoring/prometheusrule.yaml from probe.rules.yml.
monitoring:
	cd tests/k8s && npm ci --no-audit --no-fund --loglevel=error
	node tests/k8s/monitoring.mjs --write

install-test: bin/probe
	@d=$$(mktemp -d) && $(MAKE) -s install DESTDIR=$$d PREFIX=/usr >/dev/null && \
	test -x $$d/usr/bin/probe && test -f $$d/usr/share/man/man1/probe.1 && \
	test -f $$d/usr/share/man/man5/probe.ini.5 && \
	$$d/usr/bin/probe --version >/dev/null && rm -rf $$d && \
	echo "ok - make install honours DESTDIR and PREFIX"

SAN_REPORTS = $(CURDIR)/build/san-reports
check: test-deps
	@$(DEPS) check unit
	$(MAKE) SANITIZE=address,undefined unit
	rm -rf $(SAN_REPORTS) && mkdir -p $(SAN_REPORTS)
	PROBE_SANITIZED=1 ASAN_OPTIONS=log_path=$(SAN_REPORTS)/asan \
	UBSAN_OPTIONS=log_path=$(SAN_REPORTS)/ubsan:print_stacktrace=1 \
		$(MAKE) SANITIZE=address,undefined SUITES=all integration
	@# A report holding nothing but LeakSanitizer's "Unable to get registers
	@# from thread N" (a thread exiting while it stops the world at exit:
	@# libcurl's resolver thread left behind by a deadline) is not a finding.
	@real=; for f in $(SAN_REPORTS)/*; do [ -e "$$f" ] || continue; \
		if grep -qvxE '==[0-9]+==Unable to get registers from thread [0-9]+\.' "$$f"; then \
			real="$$real $$f"; \
		else echo "check: $${f##*/}: LeakSanitizer could not stop an exiting thread, not a finding"; fi; \
	done; \
	if [ -n "$$real" ]; then cat $$real; echo "check: sanitizer reports above" >&2; exit 1; fi
	$(MAKE) $(PROBE)
	tests/valgrind.sh $(PROBE)

# ARCH: a name of scripts/arches (the one list of architectures). Another
# than this machine's cross-compiles; its tests run the binary through
# qemu-user, registered with binfmt_misc (scripts/binfmt.sh, as root).
ARCHES := $(shell scripts/arch.sh names)
NATIVE_ARCH := $(shell uname -m)
ARCH ?= $(NATIVE_ARCH)
ifeq ($(ARCH),$(NATIVE_ARCH))
STATIC_BIN = bin/probe-static
STATIC_RUN =
else
STATIC_BIN = bin/probe-static-$(ARCH)
STATIC_RUN = scripts/binfmt.sh && PROBE_TEST_EMULATED=$(ARCH)
endif

static:
	ARCH=$(ARCH) scripts/build-static.sh $(STATIC_BIN)

static-test: static $(HANGFS) $(RSS) $(GRPC_PEERS) $(SCHEMA_PEERS)
	ARCH=$(ARCH) HOOKS=1 scripts/build-static.sh $(STATIC_BIN)-hooks
	$(STATIC_RUN) PROBE_SUITES=all PROBE_HOOKS=$(STATIC_BIN)-hooks HANGFS=$(HANGFS) \
		RSS=$(RSS) tests/integration/run.sh $(STATIC_BIN)

# The static probe of ARCH on a real kernel of that architecture, under
# qemu-system: the sandbox (seccomp, Landlock) as users get it.
vm-test: static
	ARCH=$(ARCH) HOOKS=1 scripts/build-static.sh $(STATIC_BIN)-hooks
	tests/vm/run.sh $(ARCH)

# Two builds of this commit in two directories must give the same bytes.
repro-test:
	tests/repro.sh $(ARCH)

# Every architecture of scripts/arches: its suite (under qemu-user where
# it is foreign), its kernel (qemu-system), its reproducibility.
ci-arches:
	for a in $(ARCHES); do \
		$(MAKE) static-test ARCH=$$a || exit 1; \
		[ $$a = $(NATIVE_ARCH) ] || $(MAKE) vm-test ARCH=$$a || exit 1; \
	done
	for a in $(ARCHES); do $(MAKE) repro-test ARCH=$$a || exit 1; done

# dist/: the static binary of every architecture, the SBOM of each
# (CycloneDX, NAME.cdx.json) and SHA256SUMS; none may exceed 1 MiB.
release:
	for a in $(ARCHES); do $(MAKE) static ARCH=$$a || exit 1; done
	scripts/release.sh dist

# The release checked: SHA256SUMS, and each SBOM against the CycloneDX
# schema and against what the linker took (tests/release/sbom-check.mjs).
release-test: release
	@$(DEPS) node
	cd tests/release && npm ci --no-audit --no-fund --loglevel=error
	cd dist && sha256sum -c SHA256SUMS
	SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct 2>/dev/null) node tests/release/sbom-check.mjs \
		$(foreach a,$(ARCHES),dist/probe-linux-$(shell scripts/arch.sh release $(a)) build/static/$(a)/obj/probe.map)

# dist/probe_VERSION_ARCH.deb with Debian's tools (debian/): the static
# binary, man page, examples; lintian must report no error.
deb:
	@$(DEPS) build static deb
	dpkg-buildpackage -b -us -uc
	mkdir -p dist
	mv ../probe_*.deb ../probe_*.buildinfo ../probe_*.changes dist/
	lintian --fail-on error dist/probe_*.deb

# The package installed into a clean Debian root (a container), used for
# a real check, and removed.
deb-test: deb
	tests/deb.sh dist/probe_*_$(shell dpkg --print-architecture).deb

image-test:
	tests/image/run.sh

e2e-test:
	tests/k8s/e2e.sh

# The probe under a real kubelet (root): exec probes and the sidecar.
kube-test:
	tests/kube/run.sh

# The seed system (deploy/k8s) on a one-node control plane (root).
cluster-test:
	tests/cluster/run.sh

bench: $(RSS)
	bench/bench.sh

bench-node:
	bench/node.sh

bench-serve: static
	@$(DEPS) bench
	bench/serve.sh bin/probe-static

# Fuzzing (libFuzzer, clang): make fuzz [FUZZ_TIME=seconds per target]
FUZZ_TARGETS = config values mountinfo http grpc cert expect results reply talk
FUZZ_TIME ?= 20
FUZZ_LIB = $(filter-out probe/main.c probe/cli.c probe/once.c probe/termination.c probe/validate.c probe/serve%.c probe/watch.c,$(SRCS))
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -Iprobe $(LIBS_CFLAGS) \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

build/fuzz/fuzz_http: tests/fuzz/fuzz_http.c $(FUZZ_LIB) | deps
	@$(DEPS) fuzz
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(filter-out probe/check_http.c,$(FUZZ_LIB)) $(LIBS)

build/fuzz/fuzz_reply: tests/fuzz/fuzz_reply.c $(FUZZ_LIB) probe/serve_runner.c | deps
	@$(DEPS) fuzz
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIB) probe/serve_runner.c $(LIBS)

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB) | deps
	@$(DEPS) fuzz
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIB) $(LIBS)

# Each target built, then run for FUZZ_TIME seconds, one per core at a
# time (libFuzzer runs on one).
fuzz:
	@$(MAKE) -s -j$(JOBS) $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	@$(MAKE) -s -j$(JOBS) $(FUZZ_TARGETS:%=fuzz-run-%)

fuzz-run-%: build/fuzz/fuzz_%
	@mkdir -p build/fuzz/corpus/$* build/fuzz/crashes
	@build/fuzz/fuzz_$* -max_total_time=$(FUZZ_TIME) -timeout=2 -print_final_stats=1 \
		-artifact_prefix=build/fuzz/crashes/$*- -max_len=4096 \
		build/fuzz/corpus/$* tests/fuzz/corpus/$* \
		>build/fuzz/$*.log 2>&1 || { tail -n 40 build/fuzz/$*.log; exit 1; }
	@echo "fuzz: $* for $(FUZZ_TIME)s: $$(grep -E '^stat::(number_of_executed_units|peak_rss_mb)|cov:' \
		build/fuzz/$*.log | tail -n 3 | tr '\n' ' ')"

demo: bin/probe
	@$(DEPS) demo
	@examples/demo.sh bin/probe

install: bin/probe
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 bin/probe $(DESTDIR)$(BINDIR)/probe
	install -m 0644 docs/probe.1 $(DESTDIR)$(MANDIR)/man1/probe.1
	install -m 0644 docs/probe.ini.5 $(DESTDIR)$(MANDIR)/man5/probe.ini.5

clean:
	rm -rf build bin dist

-include $(OBJS:.o=.d) $(UNIT_OBJS:.o=.d)
