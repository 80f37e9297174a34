#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "checks.h"
#include "config.h"

static char dir[64];
static char path[128];
static char err[512];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/probe-unit.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/probe.ini", dir);
}

static void
teardown(void)
{
	unlink(path);
	rmdir(dir);
}

static void
write_file(const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(text, 1, len, f), len);
	fclose(f);
}


/* As main loads: the command line checked, the file read, then parsed. */
static int
load_file(struct config *cfg, const char *file, const struct config_args *args,
    char *e, size_t elen)
{
	struct config_source src = { file, args };
	char *text;
	size_t len;
	int r;

	r = config_source_load(&src, cfg, &text, &len, e, elen);
	free(text);
	return r;
}

/* Load text; returns load_file()'s result with err's path replaced by F. */
static int
load(const char *text, struct config *cfg)
{
	char msg[512];
	size_t n = strlen(path);
	int r;

	write_file(text, strlen(text));
	r = load_file(cfg, path, NULL, msg, sizeof(msg));
	if (r != 0) {
		cr_assert(strncmp(msg, path, n) == 0, "no path in '%s'", msg);
		snprintf(err, sizeof(err), "F%s", msg + n);
	}
	return r;
}

static void
expect_error(const char *text, const char *msg)
{
	struct config cfg;

	cr_expect_eq(load(text, &cfg), -1, "accepted:\n%s", text);
	cr_expect_str_eq(err, msg, "for:\n%s", text);
	config_free(&cfg);
}

TestSuite(config, .init = setup, .fini = teardown);

Test(config, loads_the_example)
{
	struct config cfg;

	setenv("PROBE_T_POD", "app-python-0", 1);
	cr_assert_eq(load(
	    "; the time server\n"
	    "[probe]\n"
	    "timeout = 800ms\n"
	    "\n"
	    "[http \"time-server\"]\n"
	    "url = http://127.0.0.1:8080/\n"
	    "probes = liveness readiness startup\n"
	    "timeout = 500ms\n"
	    "expect_status = 200-399\n"
	    "expect_body = ok ; inline comment\n"
	    "method = GET\n"
	    "header = X-Probe: 1\n"
	    "header = Authorization: Bearer x\n"
	    "tls_verify = yes\n"
	    "follow_redirects = same-host\n"
	    "\n"
	    "  [tcp \"port\"]\n"
	    "  address = 127.0.0.1:8080\n"
	    "  probes = readiness\n"
	    "\n"
	    "[mount \"data\"]\n"
	    "path = /data\n"
	    "fstype = ext4 xfs\n"
	    "mode = rw\n"
	    "probes = readiness\n"
	    "\n"
	    "[writable \"data\"]\n"
	    "path = /data/${PROBE_T_POD}\n"
	    "min_free = 64MiB\n"
	    "min_free_inodes = 1000\n"
	    "probes = liveness\n", &cfg), 0, "%s", err);
	cr_expect_eq(cfg.timeout_ms, 800);
	cr_assert_eq(cfg.nchecks, 4);
	cr_expect_eq(cfg.checks[0]->type, check_type_find("http"));
	cr_expect_str_eq(cfg.checks[0]->name, "time-server");
	cr_expect_eq(cfg.checks[0]->kinds, KIND_ALL);
	cr_expect_eq(cfg.checks[0]->timeout_ms, 500);
	cr_expect_eq(cfg.checks[0]->line, 5);
	cr_expect_eq(cfg.checks[1]->type, check_type_find("tcp"));
	cr_expect_eq(cfg.checks[1]->kinds, KIND_READINESS);
	cr_expect_eq(cfg.checks[1]->line, 17);
	cr_expect_eq(cfg.checks[2]->type, check_type_find("mount"));
	cr_expect_str_eq(cfg.checks[2]->guard, "/data");
	cr_expect_eq(cfg.checks[3]->type, check_type_find("writable"));
	cr_expect_str_eq(cfg.checks[3]->guard, "/data/app-python-0");
	cr_expect_eq(cfg.checks[3]->kinds, KIND_LIVENESS);

	cr_expect_eq(config_select(&cfg, KIND_LIVENESS), 2);
	cr_expect(cfg.checks[0]->selected);
	cr_expect_not(cfg.checks[1]->selected);
	cr_expect(cfg.checks[3]->selected);
	cr_expect_eq(config_select(&cfg, KIND_READINESS), 3);
	cr_expect_eq(config_select(&cfg, KIND_STARTUP), 1);
	cr_expect_eq(config_select(&cfg, KIND_ALL), 4);
	config_free(&cfg);
}

Test(config, serve_section)
{
	struct config cfg;

	cr_assert_eq(load("[serve]\nlisten = 127.0.0.1:9000\ncache = 250ms\n"
	    "[tcp \"a\"]\naddress = h:1\n", &cfg), 0, "%s", err);
	cr_expect(cfg.serve.seen);
	cr_expect_str_eq(cfg.serve.host, "127.0.0.1");
	cr_expect_eq(cfg.serve.port, 9000);
	cr_expect_eq(cfg.serve.cache_ms, 250);
	config_free(&cfg);
	cr_assert_eq(load("[serve]\nlisten = :8080\ncache = 0\n"
	    "[tcp \"a\"]\naddress = h:1\n", &cfg), 0, "%s", err);
	cr_expect_str_eq(cfg.serve.host, "");
	cr_expect_eq(cfg.serve.port, 8080);
	cr_expect_eq(cfg.serve.cache_ms, 0);
	config_free(&cfg);
	cr_assert_eq(load("[serve]\nlisten = [::1]:8080\n[tcp \"a\"]\naddress = h:1\n",
	    &cfg), 0, "%s", err);
	cr_expect_str_eq(cfg.serve.host, "::1");
	config_free(&cfg);
}

Test(config, defaults)
{
	struct config cfg;

	cr_assert_eq(load("[tcp \"a\"]\naddress = [::1]:80\n", &cfg), 0, "%s", err);
	cr_expect_eq(cfg.timeout_ms, CONFIG_DEFAULT_TIMEOUT_MS);
	cr_expect_not(cfg.serve.seen);
	cr_expect_eq(cfg.serve.port, SERVE_DEFAULT_PORT);
	cr_expect_eq(cfg.serve.cache_ms, SERVE_DEFAULT_CACHE_MS);
	cr_expect_eq(cfg.checks[0]->kinds, KIND_ALL);
	cr_expect_eq(cfg.checks[0]->timeout_ms, 0);
	cr_expect_null(cfg.checks[0]->guard);
	config_free(&cfg);
}

Test(config, a_utf8_bom_and_crlf_are_fine)
{
	struct config cfg;

	cr_expect_eq(load("\xEF\xBB\xBF[tcp \"a\"]\r\naddress = h:1\r\n", &cfg), 0,
	    "%s", err);
	config_free(&cfg);
}

Test(config, every_error_names_file_and_line)
{
	static const struct { const char *text, *msg; } cases[] = {
		{ "[http \"time-server\"]\nurl = http://x/\nurll = http://x/\n",
		  "F:3: unknown key 'urll' in [http \"time-server\"] (did you mean url?)" },
		{ "[serve]\nlisten = 8080\n[tcp \"a\"]\naddress=h:1\n",
		  "F:2: listen: invalid address '8080' (use HOST:PORT, [IPV6]:PORT or :PORT)" },
		{ "[serve]\ncache = soon\n",
		  "F:2: cache: invalid duration 'soon' (a number and a unit: 800ms, 2s, 1m or 1h)" },
		{ "[serve]\nport = 1\n", "F:2: unknown key 'port' in [serve]" },
		{ "[serve]\n[serve]\n", "F:2: duplicate section [serve]" },
		{ "[serve \"x\"]\n", "F:1: section [serve] takes no name" },
		{ "[http \"a\"]\nprobes = liveness\n",
		  "F:1: missing required key 'url' in [http \"a\"]" },
		{ "[tcp \"a\"]\naddress = h:1\n[mount \"m\"]\n; nothing\n",
		  "F:3: missing required key 'path' in [mount \"m\"]" },
		{ "[writable \"w\"]\n",
		  "F:1: missing required key 'path' in [writable \"w\"]" },
		{ "[tcp \"a\"]\naddress=h:1\n[tcp \"a\"]\naddress=h:2\n",
		  "F:3: duplicate check name [tcp \"a\"] (first at line 1)" },
		{ "[writable \"d\"]\npath = /data/${PROBE_T_UNSET}\n",
		  "F:2: path: environment variable 'PROBE_T_UNSET' is not set "
		  "(use ${PROBE_T_UNSET:-default})" },
		{ "[probe]\ntimeout = fast\n[tcp \"a\"]\naddress=h:1\n",
		  "F:2: timeout: invalid duration 'fast' (a number and a unit: 800ms, 2s, 1m or 1h)" },
		{ "[probe]\ncolor = red\n",
		  "F:2: unknown key 'color' in [probe]" },
		{ "[probe]\n[tcp \"a\"]\naddress=h:1\n[probe]\n",
		  "F:4: duplicate section [probe]" },
		{ "[probe \"x\"]\n", "F:1: section [probe] takes no name" },
		{ "url = http://x/\n", "F:1: 'url' is outside any section" },
		{ "[tcp \"a\"]\naddress = h:1\naddress = h:2\n",
		  "F:3: 'address' is set twice in [tcp \"a\"] (first at line 2)" },
		{ "[tcp \"a\"]\nprobes = liveness\nprobes = startup\naddress=h:1\n",
		  "F:3: 'probes' is set twice in [tcp \"a\"] (first at line 2)" },
		{ "[tcp \"a\"]\nnonsense\n",
		  "F:2: syntax error (expected [section] or key = value)" },
		{ "[tcp \"a\"\naddress = h:1\n",
		  "F:1: syntax error (expected [section] or key = value) (and 1 more "
		  "error: probe --check-config lists them)" },
		{ "[tcp \"a\"]\naddress =\n", "F:2: 'address' has no value" },
		{ "[probe]\ntimeout = 1s\n", "F: no checks defined" },
		{ "", "F: no checks defined" },
		{ "[http]\nurl = http://x/\n",
		  "F:1: section [http] needs a name, as in [http \"NAME\"]" },
		{ "[http \"a b\"]\n",
		  "F:1: invalid check name in [http \"a b\"] (use 1 to 63 letters, "
		  "digits, '.', '_', ':' or '-')" },
		{ "[tcp \"a\"]\naddress = h:1\nprobes = sometimes\n",
		  "F:3: probes: invalid probe kinds 'sometimes' (use liveness, "
		  "readiness, startup or all)" },
		{ "[tcp \"a\"]\naddress = h:1\ntimeout = 2h\n",
		  "F:3: timeout: duration '2h' is out of range (1ms to 1h)" },
		{ "[http \"a\"]\nurl = http://x/\nmethod = HEAD\nexpect_body = ok\n",
		  "F:4: expect_body needs method GET, not HEAD in [http \"a\"]" },
		{ "[http \"a\"]\nurl = ftp://x/\n",
		  "F:2: url: URL 'ftp://x/' is not http:// or https://" },
		{ "[http \"a\"]\nurl = not a url\n",
		  "F:2: url: invalid URL 'not a url'" },
		{ "[http \"a\"]\nurl = http://x/\nexpect_status = 200-99\n",
		  "F:3: expect_status: invalid status list '200-99' (codes 100-599 or "
		  "ranges such as 200-399)" },
		{ "[http \"a\"]\nurl = http://x/\nmethod = POST\n",
		  "F:3: method: invalid method 'POST' (use GET or HEAD)" },
		{ "[http \"a\"]\nurl = http://x/\nheader = NoColon\n",
		  "F:3: header: invalid header '[redacted]' (use Name: value)" },
		{ "[http \"a\"]\nurl = http://x/\nheader = Authorization Bearer: SECRET\n",
		  "F:3: header: invalid header '[redacted]' (use Name: value)" },
		{ "[http \"a\"]\nurl = ftp://user:SECRET@host/x\n",
		  "F:2: url: URL 'ftp://[redacted]@host/x' is not http:// or https://" },
		{ "[http \"a\"]\nurl = http://user:SECRET@ho st/x\n",
		  "F:2: url: invalid URL 'http://[redacted]@ho st/x'" },
		{ "[http \"a\"]\nurl = http://x/\ntls_verify = maybe\n",
		  "F:3: tls_verify: invalid boolean 'maybe' (use yes or no)" },
		{ "[http \"a\"]\nurl = http://x/\nfollow_redirects = always\n",
		  "F:3: follow_redirects: invalid value 'always' (use same-host, yes or no)" },
		{ "[tcp \"a\"]\naddress = localhost\n",
		  "F:2: address: invalid address 'localhost' (use HOST:PORT or [IPV6]:PORT)" },
		{ "[tcp \"a\"]\naddress = h:70000\n",
		  "F:2: address: invalid address 'h:70000' (use HOST:PORT or [IPV6]:PORT)" },
		{ "[tcp \"a\"]\naddress = ::1:80\n",
		  "F:2: address: invalid address '::1:80' (use HOST:PORT or [IPV6]:PORT)" },
		{ "[mount \"m\"]\npath = data\n",
		  "F:2: path: 'data' is not an absolute path" },
		{ "[mount \"m\"]\npath = /data\nmode = rwx\n",
		  "F:3: mode: invalid mode 'rwx' (use rw, ro or any)" },
		{ "[writable \"w\"]\npath = /data\nmin_free = lots\n",
		  "F:3: min_free: invalid size 'lots' (examples: 64MiB, 1GiB, 500MB, 5%)" },
		{ "[writable \"w\"]\npath = /data\nmin_free_inodes = -5\n",
		  "F:3: min_free_inodes: invalid number '-5'" },
		{ "[writable \"w\"]\npath = /data\nfstype = ext4\n",
		  "F:3: unknown key 'fstype' in [writable \"w\"]" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_error(cases[i].text, cases[i].msg);
}

Test(config, hostile_files)
{
	char text[600];
	struct config cfg;

	memset(text, 'x', sizeof(text));
	memcpy(text, "[tcp \"a\"]\naddress = ", 20);
	text[sizeof(text) - 2] = '\n';
	text[sizeof(text) - 1] = '\0';
	expect_error(text, "F:2: line is longer than 199 characters");

	write_file("[tcp \"a\"]\naddr\0ess = h:1\n", 25);
	cr_expect_eq(load_file(&cfg, path, NULL, err, sizeof(err)), -1);
	cr_expect(strstr(err, ":2: NUL byte in line (not a text file?)") != NULL, "%s", err);
	config_free(&cfg);
}

Test(config, not_a_file)
{
	struct config cfg;
	char msg[512];

	cr_expect_eq(load_file(&cfg, dir, NULL, err, sizeof(err)), -1);
	snprintf(msg, sizeof(msg), "%s: is a directory, not a config file", dir);
	cr_expect_str_eq(err, msg);
	config_free(&cfg);

	cr_expect_eq(load_file(&cfg, "/nonexistent/probe.ini", NULL, err, sizeof(err)), -1);
	cr_expect_str_eq(err,
	    "/nonexistent/probe.ini: cannot open: no such file or directory (ENOENT)");
	config_free(&cfg);

	cr_expect_eq(load_file(&cfg, "/dev/null", NULL, err, sizeof(err)), -1);
	cr_expect_str_eq(err, "/dev/null: is not a regular file");
	config_free(&cfg);
}

Test(config, at_most_32_checks)
{
	char *text = malloc(40 * 40), *p;
	struct config cfg;
	int i;

	cr_assert_not_null(text);
	for (i = 0, p = text; i < 33; i++)
		p += sprintf(p, "[tcp \"c%d\"]\naddress = h:1\n", i);
	expect_error(text, "F:65: too many checks (at most 32)");
	free(text);
	(void)cfg;
}

/* args: --TYPE VALUE pairs, then "--" and option triples type/key/value. */
static int
load_args(struct config *cfg, const char *file, const char *const *v)
{
	struct config_args a;

	memset(&a, 0, sizeof(a));
	for (; *v != NULL && strcmp(*v, "--") != 0; v += 2) {
		a.checks[a.nchecks].type = v[0];
		a.checks[a.nchecks++].value = v[1];
	}
	for (v += *v != NULL; *v != NULL; v += 3) {
		a.opts[a.nopts].type = "http";
		a.opts[a.nopts].option = v[0];
		a.opts[a.nopts].key = v[1];
		a.opts[a.nopts++].value = v[2];
	}
	return load_file(cfg, file, &a, err, sizeof(err));
}

Test(config, command_line_checks_need_no_file)
{
	static const char *const ok[] = {
		"http", "http://user:pw@127.0.0.1:8080/healthz",
		"http", "https://localhost:8443/",
		"tcp", "[::1]:5432", "mount", "/data", "writable", "/data",
		"--", "expect-status", "expect_status", "200 204", NULL,
	};
	struct config cfg;

	cr_assert_eq(load_args(&cfg, NULL, ok), 0, "%s", err);
	cr_expect_str_eq(cfg.path, "command line");
	cr_expect_eq(cfg.from_file, 0);
	cr_expect_eq(cfg.timeout_ms, CONFIG_DEFAULT_TIMEOUT_MS);
	cr_assert_eq(cfg.nchecks, 5);
	cr_expect_str_eq(cfg.checks[0]->name, "127.0.0.1:8080/healthz");
	cr_expect_str_eq(cfg.checks[1]->name, "https://localhost:8443/");
	cr_expect_str_eq(cfg.checks[2]->name, "[::1]:5432");
	cr_expect_str_eq(cfg.checks[3]->type->name, "mount");
	cr_expect_str_eq(cfg.checks[4]->type->name, "writable");
	cr_expect_eq(cfg.checks[4]->kinds, KIND_ALL);
	cr_expect_eq(cfg.checks[0]->line, 0);
	config_free(&cfg);
}

Test(config, command_line_checks_join_the_file)
{
	static const char *const v[] = { "tcp", "127.0.0.1:1", NULL };
	static const char *const dup[] = { "tcp", "h:1", NULL };
	struct config cfg;
	const char *text = "[probe]\ntimeout = 2s\n[tcp \"h:1\"]\naddress = h:1\n";

	write_file(text, strlen(text));
	cr_assert_eq(load_args(&cfg, path, v), 0, "%s", err);
	cr_expect_eq(cfg.nchecks, 2);
	cr_expect_eq(cfg.timeout_ms, 2000);
	cr_expect_eq(cfg.from_file, 1);
	config_free(&cfg);
	cr_expect_eq(load_args(&cfg, path, dup), -1);
	cr_expect_str_eq(err, "--tcp: duplicate check name [tcp \"h:1\"] (first at line 3)");
	config_free(&cfg);
}

Test(config, command_line_errors_name_the_option)
{
	static const struct {
		const char *v[8];
		const char *msg;
	} cases[] = {
		{ { "http", "x" }, "--http: invalid URL 'x' (a URL starts with http:// or "
		    "https://, as in http://x)" },
		{ { "http", "gopher://h/" }, "--http: URL 'gopher://h/' is not http:// or https://" },
		{ { "tcp", "h" }, "--tcp: invalid address 'h' (use HOST:PORT or [IPV6]:PORT)" },
		{ { "mount", "data" }, "--mount: 'data' is not an absolute path" },
		{ { "writable", "" }, "--writable: '' is not an absolute path" },
		{ { "tcp", "h:1", "tcp", "h:1" }, "--tcp: duplicate check tcp \"h:1\"" },
		{ { "nope", "x" }, "--nope: not a check type" },
		{ { "http", "http://h/", "--", "header", "header", "bad" },
		  "--header: invalid header '[redacted]' (use Name: value)" },
		{ { "tcp", "h:1", "--", "expect-status", "expect_status", "200" },
		  "--expect-status applies to the command line's http checks: add --http" },
	};
	struct config cfg;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_expect_eq(load_args(&cfg, NULL, cases[i].v), -1, "case %zu", i);
		cr_expect_str_eq(err, cases[i].msg, "case %zu", i);
		config_free(&cfg);
	}
}

Test(config, tls_keys)
{
	struct config cfg;

	cr_expect_eq(load("[http \"a\"]\nurl = https://127.0.0.1/\n"
	    "tls_min_version = 1.3\ncert_file = /nonexistent/c.pem\n"
	    "key_file = /nonexistent/k.pem\nca_file = /nonexistent/ca.pem\n", &cfg), 0,
	    "files are checked at run time, not at load: %s", err);
	config_free(&cfg);
	expect_error("[http \"a\"]\nurl = https://h/\ntls_min_version = 1.0\n",
	    "F:3: tls_min_version: invalid TLS version '1.0' (use 1.2 or 1.3)");
	expect_error("[http \"a\"]\nurl = https://h/\nkey_file = /k.pem\n",
	    "F:3: key_file needs cert_file too (a client certificate and its key) "
	    "in [http \"a\"]");
}

Test(config, check_files_names_the_key_line)
{
	struct config_args a;
	struct config cfg;
	char msg[512];
	const char *t1 = "[http \"a\"]\nurl = https://h/\n\nca_file = /nonexistent/ca.pem\n";
	const char *t2 = "[http \"a\"]\nurl = https://h/\nca_file = /etc/hostname\n";

	memset(&a, 0, sizeof(a));
	a.check_files = 1;
	write_file(t1, strlen(t1));
	cr_expect_eq(load_file(&cfg, path, &a, err, sizeof(err)), -1);
	snprintf(msg, sizeof(msg), "%s:4: ca_file: /nonexistent/ca.pem: cannot open: "
	    "no such file or directory (ENOENT)", path);
	cr_expect_str_eq(err, msg);
	config_free(&cfg);
	write_file(t2, strlen(t2));
	cr_expect_eq(load_file(&cfg, path, &a, err, sizeof(err)), -1);
	cr_expect(strstr(err, ":3: ca_file: /etc/hostname is not a PEM certificate file")
	    != NULL, "%s", err);
	config_free(&cfg);
}

Test(config, sandbox_is_on_unless_turned_off)
{
	struct config cfg;

	cr_assert_eq(load("[tcp \"a\"]\naddress = 127.0.0.1:1\n", &cfg), 0, "%s", err);
	cr_expect_eq(cfg.sandbox, 1);
	cr_expect_eq(cfg.checks[0]->sandbox, 1);
	config_free(&cfg);
	cr_assert_eq(load("[probe]\nsandbox = no\n[tcp \"a\"]\naddress = 127.0.0.1:1\n"
	    "[mount \"m\"]\npath = /\n", &cfg), 0, "%s", err);
	cr_expect_eq(cfg.sandbox, 0);
	cr_expect_eq(cfg.checks[0]->sandbox, 0);
	cr_expect_eq(cfg.checks[1]->sandbox, 0);
	config_free(&cfg);
	expect_error("[probe]\nsandbox = perhaps\n[tcp \"a\"]\naddress = 127.0.0.1:1\n",
	    "F:2: sandbox: invalid boolean 'perhaps' (use yes or no)");
}
