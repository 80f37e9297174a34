# slow_db.sh: protocol = postgres, mysql and redis against the real servers
# of Debian's packages, started here on loopback and stopped: PostgreSQL 15
# accepting, in recovery (a standby with hot_standby = off: 57P03), behind
# TLS, without TLS, stopped; MariaDB with its version, out of connections
# (1040), behind TLS; Redis, with requirepass, a password from a file, a
# wrong one (sourced by run.sh; make test-slow: the servers take seconds
# to start; as root: they run as their users).

if [ "$(id -u)" != 0 ]; then
	skip "database servers" "need root to run them as their users"
	return 0
fi
DB=$T/db
mkdir -p "$DB"
chmod 755 "$DB"
[ -d "$T/certs" ] || "$HELPERS/mkcerts.sh" "$T/certs" >/dev/null 2>&1
# For the servers' users: the server's certificate and key, theirs.
install -m 644 "$T/certs/ip.crt" "$DB/tls.crt"
install -m 600 "$T/certs/ip.key" "$DB/tls.key"
CA=$T/certs/ca.crt

# ---- PostgreSQL ---------------------------------------------------------------
PGBIN=$(find /usr/lib/postgresql -maxdepth 2 -name bin | sort -V | tail -n 1)
pg_start() {	# pg_start NAME PORT ARGS...: a server on DIR, logging to its log
	local name=$1 port=$2
	shift 2
	runuser -u postgres -- "$PGBIN/postgres" -D "$DB/$name" -p "$port" -k "$DB/pg" \
		-c listen_addresses=127.0.0.1 "$@" >"$DB/$name.log" 2>&1 &
	PIDS+=($!)
}
mkdir "$DB/pg"
chown postgres "$DB/pg" "$DB/tls.key" "$DB/tls.crt"
chmod 700 "$DB/pg"
runuser -u postgres -- "$PGBIN/initdb" -D "$DB/pg/data" -A trust -U postgres >"$DB/initdb.log" 2>&1 ||
	fail "postgres: initdb" "$(tail -n 5 "$DB/initdb.log")"
cp -a "$DB/pg/data" "$DB/pg/standby"	# a copy, before the first start
touch "$DB/pg/standby/standby.signal"
PGP=$(free_port)
pg_start pg/data "$PGP" -c ssl=on -c "ssl_cert_file=$DB/tls.crt" -c "ssl_key_file=$DB/tls.key"
wait_until grep -q "ready to accept connections" "$DB/pg/data.log" ||
	fail "postgres starts" "$(tail -n 5 "$DB/pg/data.log")"

run_probe -v --tcp "127.0.0.1:$PGP" --protocol postgres
expect "postgres: accepting connections" 0 "healthy: 1 of 1 checks passed (all, *ms)"
expect_line "postgres: ... as pg_isready says" "ok    tcp       127.0.0.1:$PGP *127.0.0.1:$PGP: accepting connections"
printf '[tcp "pg"]\naddress = 127.0.0.1:%s\nprotocol = postgres\nusername = postgres\ntls = yes\nca_file = %s\ncert_min_validity = 1h\n' \
	"$PGP" "$CA" >"$DB/pg-tls.ini"
run_probe -c "$DB/pg-tls.ini"
expect "postgres: TLS after an SSLRequest, the certificate checked" 0 "healthy: 1 of 1 checks passed (all, *ms)"
expect_line "postgres: ... said" "ok    tcp       pg *127.0.0.1:$PGP: accepting connections (TLS)"
sed -i "s|^ca_file = .*|ca_file = $T/certs/ca2.crt|" "$DB/pg-tls.ini"
run_probe -c "$DB/pg-tls.ini"
expect "postgres: TLS, a certificate of another CA" 1 'unhealthy: tcp "pg": certificate is not signed by a trusted CA'

# A standby that is not hot: in recovery, not accepting connections.
PGS=$(free_port)
pg_start pg/standby "$PGS" -c hot_standby=off
wait_until grep -q "waiting for WAL\|entering standby mode" "$DB/pg/standby.log"
run_probe --tcp "127.0.0.1:$PGS" --protocol postgres
expect "postgres: a standby in recovery is not ready (57P03)" 1 \
	"unhealthy: tcp \"127.0.0.1:$PGS\": 127.0.0.1:$PGS: the database system is not accepting connections: Hot standby mode is disabled. (57P03)"
printf '[tcp "pg"]\naddress = 127.0.0.1:%s\nprotocol = postgres\ntls = yes\nca_file = %s\n' "$PGS" "$CA" >"$DB/pg-notls.ini"
run_probe -c "$DB/pg-notls.ini"
expect "postgres: tls = yes where ssl is off" 1 \
	"unhealthy: tcp \"pg\": 127.0.0.1:$PGS: the server refused TLS (is ssl = off in postgresql.conf?)"
pkill -INT -f "postgres -D $DB/pg/data"
wait_until sh -c '! pgrep -f "postgres -D $0/pg/data" >/dev/null' "$DB"
run_probe --tcp "127.0.0.1:$PGP" --protocol postgres
expect "postgres: stopped" 1 "unhealthy: tcp \"127.0.0.1:$PGP\": connect to 127.0.0.1:$PGP: connection refused"
pkill -INT -f "postgres -D $DB/pg/standby"

# ---- MariaDB --------------------------------------------------------------------
MYP=$(free_port)
mkdir -p "$DB/my"
mariadb-install-db --no-defaults --datadir="$DB/my/data" --user=root \
	--auth-root-authentication-method=normal --skip-test-db >"$DB/my.log" 2>&1 ||
	fail "mariadb: install-db" "$(tail -n 5 "$DB/my.log")"
mariadbd --no-defaults --datadir="$DB/my/data" --port="$MYP" --bind-address=127.0.0.1 \
	--socket="$DB/my/sock" --pid-file="$DB/my/pid" --user=root --max-connections=10 \
	--skip-name-resolve --ssl-cert="$DB/tls.crt" --ssl-key="$DB/tls.key" \
	>>"$DB/my.log" 2>&1 &
PIDS+=($!)
wait_until grep -q "ready for connections" "$DB/my.log" || fail "mariadb starts" "$(tail -n 5 "$DB/my.log")"
run_probe -v --tcp "127.0.0.1:$MYP" --protocol mysql
expect "mysql: its greeting, with its version" 0 "healthy: 1 of 1 checks passed (all, *ms)"
expect_line "mysql: ... the version said" "ok    tcp       127.0.0.1:$MYP *127.0.0.1:$MYP: *MariaDB*"
expect_line "mysql: ... the handshake answered, refused (-v)" "      *MariaDB* answered user \"probe\": error 1*"
printf '[tcp "my"]\naddress = 127.0.0.1:%s\nprotocol = mysql\ntls = yes\nca_file = %s\n' "$MYP" "$CA" >"$DB/my-tls.ini"
run_probe -c "$DB/my-tls.ini"
expect "mysql: TLS after its SSL request" 0 "healthy: 1 of 1 checks passed (all, *ms)"
expect_line "mysql: ... said" "ok    tcp       my *127.0.0.1:$MYP: *MariaDB* (TLS)"
# Out of connections: root's clients hold them all (10, and the one extra
# a SUPER user gets), until the server greets with error 1040.
for _ in $(seq 11); do
	mariadb -uroot --socket="$DB/my/sock" -e 'select sleep(30)' >/dev/null 2>&1 &
	PIDS+=($!)
done
# Full: the 11 clients' connections accepted (a probe's connection of the
# case above may still be closing, and take a slot for a moment), and a
# 12th refused.
full() {
	[ "$(ss -xHn | grep -c " $DB/my/sock ")" -ge 11 ] &&
		mariadb -uroot --socket="$DB/my/sock" -e 'select 1' 2>&1 | grep -q 1040
}
wait_until full || wait_until full ||
	fail "mysql: 11 clients fill the server" "a client still gets in after 10 s"
run_probe --tcp "127.0.0.1:$MYP" --protocol mysql
expect "mysql: out of connections (1040)" 1 "unhealthy: tcp \"127.0.0.1:$MYP\": 127.0.0.1:$MYP: error 1040: Too many connections*"
kill "$(cat "$DB/my/pid")" 2>/dev/null

# ---- Redis --------------------------------------------------------------------
redis_start() {	# redis_start PORT ARGS...
	local port=$1
	shift
	redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
		--dir "$DB" "$@" >"$DB/redis-$port.log" 2>&1 &
	PIDS+=($!)
	wait_until grep -q "Ready to accept connections" "$DB/redis-$port.log" ||
		fail "redis starts" "$(tail -n 5 "$DB/redis-$port.log")"
}
RP=$(free_port) RA=$(free_port)
redis_start "$RP"
redis_start "$RA" --requirepass s3cret-pw
run_probe --tcp "127.0.0.1:$RP" --protocol redis
expect "redis: PONG" 0 "healthy: 1 of 1 checks passed (all, *ms)"
expect_line "redis: ... said" "ok    tcp       127.0.0.1:$RP *127.0.0.1:$RP: PONG"
run_probe -v --tcp "127.0.0.1:$RA" --protocol redis
expect "redis: requirepass, no password: alive" 0 "healthy: 1 of 1 checks passed (all, *ms)"
expect_line "redis: ... NOAUTH said under -v" "      alive, it wants a password: NOAUTH *"
printf 's3cret-pw\n' >"$DB/redis-pw"
printf '[tcp "r"]\naddress = 127.0.0.1:%s\nprotocol = redis\npassword_file = %s\n' "$RA" "$DB/redis-pw" >"$DB/redis.ini"
run_probe -v -c "$DB/redis.ini"
expect "redis: the password from a file" 0 "healthy: 1 of 1 checks passed (all, *ms)"
expect_line "redis: ... PONG" "ok    tcp       r *127.0.0.1:$RA: PONG"
all=$OUT$ERR
expect_true "redis: the password is in no message" test "$all" = "${all//s3cret-pw/}"
printf 'wrong\n' >"$DB/redis-pw"
run_probe -v -c "$DB/redis.ini"
expect "redis: a wrong password: alive, and said" 0 "healthy: 1 of 1 checks passed (all, *ms)"
expect_line "redis: ... WRONGPASS under -v" "      alive, it wants another password: WRONGPASS *"
rm -f "$DB/redis-pw"
run_probe -c "$DB/redis.ini"
expect "redis: a password file that is gone" 1 "unhealthy: tcp \"r\": password_file: $DB/redis-pw: cannot open: no such file or directory (ENOENT)"

# The servers go with the suite (runuser's children survive its kill).
pkill -f "mariadb -uroot --socket=$DB" 2>/dev/null
pkill -f "postgres -D $DB" 2>/dev/null
pkill -f "redis-server.*--dir $DB" 2>/dev/null
