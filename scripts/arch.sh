#!/bin/sh
# arch.sh: the table of architectures (scripts/arches), for scripts.
#   arch.sh names              every NAME, in the table's order
#   arch.sh foreign            every NAME but this machine's
#   arch.sh FIELD NAME         one field of NAME's row (deb, triplet, musl,
#                              platform, release, qemu, system, package,
#                              kernel, file)
#   arch.sh name FIELD VALUE   the NAME whose FIELD is VALUE
# Exits 2, saying what it knows, for an unknown name or field.
set -eu
TABLE=$(dirname "$0")/arches
native=$(uname -m)

rows() { grep -v '^#' "$TABLE" | grep -v '^[[:space:]]*$'; }
col() {	# col FIELD: its column
	case $1 in
	name) echo 1 ;; deb) echo 2 ;; triplet) echo 3 ;; musl) echo 4 ;;
	platform) echo 5 ;; release) echo 6 ;; qemu) echo 7 ;; system | package) echo 8 ;;
	kernel) echo 9 ;; file) echo 10 ;;
	*) echo "arch.sh: unknown field '$1'" >&2; exit 2 ;;
	esac
}
field() {	# field FIELD NAME
	c=$(col "$1")
	v=$(rows | awk -v n="$2" -v c="$c" '$1 == n { print $c }')
	[ -n "$v" ] || { echo "arch.sh: unknown architecture '$2' (use $(rows | awk '{ print $1 }' | paste -sd' '))" >&2; exit 2; }
	case $1 in
	system) v=${v%%:*} ;;
	package) v=${v#*:} ;;
	esac
	echo "$v"
}

case ${1:-} in
names) rows | awk '{ print $1 }' ;;
foreign) rows | awk -v n="$native" '$1 != n { print $1 }' ;;
name)	# a platform without its variant (linux/arm) names its one row
	c=$(col "$2")
	v=$(rows | awk -v c="$c" -v v="$3" '$c == v { print $1 }')
	[ -n "$v" ] || [ "$2" != platform ] ||
		v=$(rows | awk -v c="$c" -v v="$3/" 'index($c, v) == 1 { print $1 }')
	[ "$(echo "$v" | wc -l)" = 1 ] || v=""
	[ -n "$v" ] || { echo "arch.sh: no architecture with $2 '$3'" >&2; exit 2; }
	echo "$v" ;;
'') sed -n '2,10s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
*) field "$1" "${2:?arch.sh $1 NAME}" ;;
esac
