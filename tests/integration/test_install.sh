# test_install.sh: probe install DIR (sourced by run.sh). Only the static
# build installs itself: the dynamic one refuses, and says why.

mkdir -p "$T/inst"
if [[ "$(file -b "$PROBE")" != *"statically linked"* ]]; then
	run_probe install "$T/inst"
	expect "install: the dynamic build refuses, naming the static one" 3 \
		"probe: install: this probe is linked dynamically (libcurl, the C library): * install the static build instead *"
	expect_true "install: nothing copied" test -z "$(ls -A "$T/inst")"
	return 0
fi
run_probe install "$T/inst"
expect "install into a directory" 0 "installed $T/inst/probe (* bytes)"
if cmp -s "$PROBE" "$T/inst/probe" && [ "$(stat -c %a "$T/inst/probe")" = 755 ] &&
	[ "$(ls -A "$T/inst")" = probe ]; then
	pass "install: an identical copy, mode 0755, nothing else"
else
	fail "install: an identical copy, mode 0755, nothing else" "$(ls -la "$T/inst")"
fi
"$T/inst/probe" --version >/dev/null && pass "install: the copy runs" || fail "install: the copy runs" "it does not"
# Over a copy that is running (an app container still using it): a cp
# would fail with ETXTBSY; the rename replaces it, the old one runs on.
"$T/inst/probe" wait -t 20s --tcp 127.0.0.1:1 >/dev/null 2>&1 &
running=$!
PIDS+=("$running")
wait_until test -e "/proc/$running/exe"
run_probe install "$T/inst"
expect "install over a copy that is running" 0 "installed $T/inst/probe (* bytes)"
expect_true "install: the running copy runs on" kill -0 "$running"
expect_true "install: the new copy is whole, nothing else left" \
	sh -c 'cmp -s "$1" "$2/probe" && [ "$(ls -A "$2")" = probe ]' _ "$PROBE" "$T/inst"
kill "$running" 2>/dev/null

run_probe install "$T/nonexistent"
expect "install: missing directory" 3 "probe: install: $T/nonexistent: cannot open: no such file or directory (ENOENT)"
run_probe install "$T/inst/probe"
expect "install: not a directory" 3 "probe: install: $T/inst/probe: cannot open: not a directory (ENOTDIR)"
run_probe install
expect "install without DIR" 3 "probe: usage: probe install DIR"

if [ -n "${PROBE_TEST_NS:-}" ]; then
	mkdir -p "$T/inst-ro" "$T/inst-full"
	mount -t tmpfs -o ro tmpfs "$T/inst-ro"
	mount -t tmpfs -o size=64k tmpfs "$T/inst-full"
	run_probe install "$T/inst-ro"
	expect "install: read-only directory" 3 \
		"probe: install: $T/inst-ro: cannot create a file: read-only file system (EROFS)"
	run_probe install "$T/inst-full"
	expect "install: full filesystem" 3 \
		"probe: install: $T/inst-full: cannot write it: no space left on device (ENOSPC)"
	[ -z "$(ls -A "$T/inst-full")" ] && pass "install: no partial file is left behind" ||
		fail "install: no partial file is left behind" "$(ls -la "$T/inst-full")"
else
	skip "install on read-only and full filesystems" "need root to make mounts"
fi
run_probe -c "$T/ok.ini" install "$T/inst2"
expect "install: options are refused, wherever they stand" 3 "probe: install takes no options (usage: probe install DIR)"
