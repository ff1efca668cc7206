#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/hotpath.sh [--rounds R] [--time S] [--count N] [--quick]
#                  [--no-callgrind] [--no-rate] [--verbose]
#
# The userspace cost of an io_uring request, three ways, side by side:
#   uringkit  bench/hotpath.c against our headers and liburing.so.2
#   liburing  bench/hotpath.c against the system's liburing (liburing-dev)
#   raw       bench/hotpath_raw.c: rings driven by hand, raw syscalls
# for two loops: batches of 32 NOPs, and batches of 32 4 KiB reads of a file
# in the page cache.
#
# instr/req: userspace instructions per request, from callgrind: each binary
#   runs N and 2N requests and the difference of the total Ir is divided by
#   N, which cancels setup and teardown. Deterministic; the kernel's work is
#   not counted.
# req/s: each binary runs for S seconds, the builds alternating (the order
#   rotating), R rounds; the median is reported. "vs liburing" is the median
#   of the per-round ratios, "cpu" the same for requests per CPU-second (the
#   machine is shared: compare within one run, and prefer the ratios).
#
# Needs no make: it compiles uringkit's library from src/ itself, into
# build/bench/ (or $HOTPATH_OUT), with $CC (default cc) and $HOTPATH_CFLAGS
# (default -O2 -g; with clang add -gdwarf-4 for valgrind 3.19). Without
# liburing-dev (/usr/include/liburing.h, or $HOTPATH_SYSTEM_LIBURING_H) it
# compares uringkit with the raw floor only.

set -eu

rounds=9
secs=0.3
count=32000
do_cg=1
do_rate=1
verbose=0

while [ $# -gt 0 ]; do
	case $1 in
	--rounds) rounds=$2; shift ;;
	--time) secs=$2; shift ;;
	--count) count=$2; shift ;;
	--quick) rounds=5; secs=0.2; count=16000 ;;
	--no-callgrind) do_cg=0 ;;
	--no-rate) do_rate=0 ;;
	--verbose|-v) verbose=1 ;;
	-h|--help)
		sed -n '3,28p' "$0" | sed 's/^# \{0,1\}//'
		exit 0 ;;
	*) echo "hotpath.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
	esac
	shift
done
if [ $((count % 32)) -ne 0 ] || [ "$count" -le 0 ]; then
	echo "hotpath.sh: --count must be a positive multiple of 32" >&2
	exit 2
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${HOTPATH_OUT:-$root/build/bench}
cc=${CC:-cc}
cflags=${HOTPATH_CFLAGS:--O2 -g}
warn="-Wall -Wextra -Werror"
mkdir -p "$out/lib"

# ---- build -----------------------------------------------------------------
# uringkit's liburing.so.2, built here from the current sources (the same
# flags as the Makefile's library, without the warnings-as-errors policy
# mattering for anyone's build but ours).
echo "building into $out ..." >&2
objs=()
for src in "$root"/src/*.c; do
	obj=$out/lib/$(basename "${src%.c}").o
	# shellcheck disable=SC2086
	$cc -std=gnu11 -D_GNU_SOURCE $warn $cflags -fPIC -fvisibility=hidden \
		-I"$root/include" -I"$root/src" -c "$src" -o "$obj" &
	objs+=("$obj")
done
wait
# shellcheck disable=SC2086
$cc $cflags -shared -Wl,-soname,liburing.so.2 \
	-Wl,--version-script="$root/src/liburing.map" -Wl,-z,defs \
	-o "$out/lib/liburing.so.2" "${objs[@]}"
rm -f "${objs[@]}"

# shellcheck disable=SC2086
$cc -std=gnu11 $warn $cflags -I"$root/include" \
	-o "$out/hotpath-uringkit" "$root/bench/hotpath.c" \
	-L"$out/lib" -l:liburing.so.2 -Wl,-rpath,"$out/lib" -ldl
# shellcheck disable=SC2086
$cc -std=gnu11 $warn $cflags -o "$out/hotpath-raw" "$root/bench/hotpath_raw.c"

builds=(uringkit)
have_liburing=0
# shellcheck disable=SC2086
if [ -f "${HOTPATH_SYSTEM_LIBURING_H:-/usr/include/liburing.h}" ] &&
   $cc -std=gnu11 $warn $cflags -o "$out/hotpath-liburing" \
	"$root/bench/hotpath.c" -luring -ldl 2>"$out/liburing-build.log"; then
	have_liburing=1
	builds+=(liburing)
else
	echo "note: liburing-dev (the system's liburing headers and -luring) is" \
	     "not installed or does not build; comparing uringkit with the" \
	     "raw-syscall floor only (see $out/liburing-build.log)" >&2
fi
builds+=(raw)

# Never let the caller's environment swap the libraries under us.
run() {
	env -u LD_LIBRARY_PATH -u LD_PRELOAD "$@"
}

# Each build must really run on the library it claims to.
for b in "${builds[@]}"; do
	lib=$(run "$out/hotpath-$b" nop 32 | sed -n 's/^library //p')
	[ "$lib" = none ] || lib=$(realpath "$lib")
	case $b in
	uringkit) want=$(realpath "$out/lib/liburing.so.2") ;;
	raw) want=none ;;
	liburing) want=$lib
		  case $lib in "$out"/*|"$root"/*)
			echo "hotpath.sh: the liburing build loaded $lib" >&2
			exit 1 ;;
		  esac ;;
	esac
	if [ "$lib" != "$want" ]; then
		echo "hotpath.sh: $b build loaded '$lib', want '$want'" >&2
		exit 1
	fi
	[ $verbose = 1 ] && echo "$b: $lib" >&2
done
if [ $have_liburing = 1 ]; then
	liblib=$(run "$out/hotpath-liburing" nop 32 | sed -n 's/^library //p')
	liblib=$(realpath "$liblib")
fi

# ---- measure ---------------------------------------------------------------
declare -A ipr rate rel crel

callgrind_ir() {	# build loop count -> total Ir
	local f=$out/cg.$1.$2.$3 ir
	run valgrind --tool=callgrind --callgrind-out-file="$f" \
		"$out/hotpath-$1" "$2" "$3" >/dev/null 2>"$f.log" || {
		echo "hotpath.sh: callgrind run of $1 $2 failed:" >&2
		cat "$f.log" >&2
		exit 1
	}
	ir=$(sed -n 's/.*Collected : *\([0-9][0-9]*\).*/\1/p' "$f.log")
	rm -f "$f" "$f.log"
	echo "$ir"
}

if [ $do_cg = 1 ]; then
	if ! command -v valgrind >/dev/null; then
		echo "note: valgrind is not installed; no instruction counts" >&2
		do_cg=0
	fi
fi
if [ $do_cg = 1 ]; then
	echo "counting instructions (callgrind, $count and $((2 * count))" \
	     "requests) ..." >&2
	for loop in nop read; do
		for b in "${builds[@]}"; do
			a=$(callgrind_ir "$b" $loop "$count")
			z=$(callgrind_ir "$b" $loop $((2 * count)))
			ipr[$loop.$b]=$(awk -v a="$a" -v z="$z" -v n="$count" \
				'BEGIN { printf "%.1f", (z - a) / n }')
			[ $verbose = 1 ] && echo "  $loop $b: Ir $a / $z" >&2
		done
	done
fi

median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

if [ $do_rate = 1 ]; then
	echo "timing ($rounds rounds of ${secs}s per build and loop," \
	     "alternating) ..." >&2
	declare -A samples ratios cratios
	for loop in nop read; do
		for ((r = 0; r < rounds; r++)); do
			# Rotate the order every round so no build always runs
			# right after another one.
			declare -A this=() cpu=()
			n=${#builds[@]}
			for ((k = 0; k < n; k++)); do
				b=${builds[$(((k + r) % n))]}
				o=$(run "$out/hotpath-$b" $loop -t "$secs")
				v=$(echo "$o" | sed -n 's/^rps //p')
				samples[$loop.$b]+="$v "
				this[$b]=$v
				cpu[$b]=$(echo "$o" | sed -n 's/^cpu_rps //p')
			done
			# The machine's load changes from round to round; the
			# ratio within one round is steadier than the medians.
			if [ $have_liburing = 1 ]; then
				for b in "${builds[@]}"; do
					ratios[$loop.$b]+="$(awk -v a="${this[$b]}" \
						-v z="${this[liburing]}" \
						'BEGIN { printf "%.4f", a / z }') "
					cratios[$loop.$b]+="$(awk -v a="${cpu[$b]}" \
						-v z="${cpu[liburing]}" \
						'BEGIN { printf "%.4f", a / z }') "
				done
			fi
		done
		for b in "${builds[@]}"; do
			rate[$loop.$b]=$(echo "${samples[$loop.$b]}" |
					 tr ' ' '\n' | grep . | median)
			if [ $have_liburing = 1 ]; then
				rel[$loop.$b]=$(echo "${ratios[$loop.$b]}" |
						tr ' ' '\n' | grep . | median)
				crel[$loop.$b]=$(echo "${cratios[$loop.$b]}" |
						 tr ' ' '\n' | grep . | median)
			fi
			[ $verbose = 1 ] && echo "  $loop $b: ${samples[$loop.$b]}" >&2
		done
	done
fi

# ---- report ----------------------------------------------------------------
echo
echo "hotpath: batch 32 (io_uring_get_sqe + prep + set_data64, submit_and_wait," \
     "for_each_cqe + cq_advance)"
[ $have_liburing = 1 ] && echo "liburing: $liblib"
echo "uringkit: $out/lib/liburing.so.2"
[ $do_cg = 1 ] && echo "instr/req: callgrind, userspace only, ($((2 * count)) - $count requests)"
if [ $do_rate = 1 ]; then
	echo "req/s: wall clock, median of $rounds rounds of ${secs}s, builds alternating"
	[ $have_liburing = 1 ] &&
	echo "vs liburing: median of the per-round ratios of req/s; cpu: the same" \
	     "for requests per CPU-second (user + system), which the other" \
	     "load on a shared machine disturbs less"
fi
echo
printf '%-5s %-9s %10s %12s %12s %8s\n' loop build instr/req req/s \
	"vs liburing" cpu
for loop in nop read; do
	for b in "${builds[@]}"; do
		i=${ipr[$loop.$b]:--}
		q=${rate[$loop.$b]:--}
		x=${rel[$loop.$b]:--}
		y=${crel[$loop.$b]:--}
		[ "$q" != - ] && q=$(awk -v q="$q" 'BEGIN { printf "%.2fM", q / 1e6 }')
		[ "$x" != - ] && x=$(awk -v x="$x" 'BEGIN { printf "%.2fx", x }')
		[ "$y" != - ] && y=$(awk -v x="$y" 'BEGIN { printf "%.2fx", x }')
		printf '%-5s %-9s %10s %12s %12s %8s\n' $loop "$b" "$i" "$q" "$x" "$y"
	done
done
