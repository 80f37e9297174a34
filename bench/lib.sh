# lib.sh: what the benchmarks share, sourced by bench.sh and node.sh.

# floor_build OUT: bench/floor.c, static with musl, into OUT; the kernel's
# headers for seccomp and Landlock as build-static.sh left them.
floor_build() {
	musl-gcc -static -O2 -s -isystem "$ROOT/build/static/$(uname -m)/prefix/include" \
		-o "$1" "$ROOT/bench/floor.c"
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# nginx_start DIR: nginx on loopback answering /health with 200 and
# /actuator/health with Spring Boot's JSON, over HTTP on $PORT and over
# HTTPS on $TPORT (certificates in DIR/certs, made by
# tests/helpers/mkcerts.sh); nginx_stop DIR ends it.
# What Spring Boot's /actuator/health answers with its usual components.
ACTUATOR='{"status":"UP","components":{"db":{"status":"UP","details":{"database":"PostgreSQL","validationQuery":"isValid()"}},"diskSpace":{"status":"UP","details":{"total":107374182400,"free":53687091200,"threshold":10485760,"path":"/data/.","exists":true}},"livenessState":{"status":"UP"},"ping":{"status":"UP"},"readinessState":{"status":"UP"}},"groups":["liveness","readiness"]}'

nginx_start() {
	PORT=$(free_port)
	TPORT=$(free_port)
	mkdir -p "$1/logs"
	"$ROOT/tests/helpers/mkcerts.sh" "$1/certs" >/dev/null 2>&1
	cat >"$1/nginx.conf" <<EOT
worker_processes 1;
error_log $1/logs/error.log;
pid $1/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $1;
    default_type application/json;
    server {
        listen 127.0.0.1:$PORT;
        location /health { return 200 "ok\n"; }
        location /actuator/health { return 200 '$ACTUATOR'; }
    }
    server {
        listen 127.0.0.1:$TPORT ssl;
        ssl_certificate $1/certs/ip.crt;
        ssl_certificate_key $1/certs/ip.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location /health { return 200 "ok\n"; }
    }
}
EOT
	nginx -c "$1/nginx.conf" -p "$1"
	for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health" && return 0; sleep 0.05; done
	echo "bench: nginx does not answer on 127.0.0.1:$PORT" >&2
	return 1
}

nginx_stop() {
	nginx -c "$1/nginx.conf" -p "$1" -s stop 2>/dev/null
}
