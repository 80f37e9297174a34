# test_hostile.sh: servers that misbehave (tests/helpers/hostile.py). Each
# must give the right verdict, within the deadline, in bounded memory.

# hostile NAME PATH FIRST_GLOB: one http check against the hostile server.
hostile() {
	printf '[probe]\ntimeout = 500ms\n[http "h"]\nurl = http://127.0.0.1:%s%s\n' \
		"$HOSTILE" "$2" >"$T/hostile.ini"
	run_probe -c "$T/hostile.ini"
	expect "hostile: $1" 1 "$3" 600
	expect_rss "hostile: $1" -c "$T/hostile.ini"
}

hostile "endless headers" /endless-headers 'unhealthy: http "h": too large response headers*'
hostile "a 1 MB header line" /huge-header 'unhealthy: http "h": response header line too large (or out of memory)'
hostile "slowloris, a byte every 200ms" /slowloris 'unhealthy: http "h": timed out after 500ms*'
hostile "body shorter than Content-Length" /short-body 'unhealthy: http "h": connection closed with 90 bytes of the body missing'
hostile "body stalls" /stalled-body 'unhealthy: http "h": timed out after 500ms*'
hostile "closed in the middle of the headers" /cut-headers \
	'unhealthy: http "h": connection closed in the middle of the response headers (HTTP 200)'
hostile "invalid status line" /bad-status 'unhealthy: http "h": unsupported HTTP version in response'
hostile "HTTP/0.9 reply" /http09 'unhealthy: http "h": received HTTP/0.9 when not allowed'
hostile "closed without a byte" /empty 'unhealthy: http "h": empty reply from server'

printf '[probe]\ntimeout = 2s\n[http "h"]\nurl = %s/big\n' "$BASE" >"$T/big.ini"
expect_rss "hostile: a 10 MB body" -c "$T/big.ini"
printf '[probe]\ntimeout = 2s\n[http "h"]\nurl = %s/endless\n' "$BASE" >"$T/endless.ini"
expect_rss "hostile: an endless body" -c "$T/endless.ini"
