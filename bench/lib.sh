# SPDX-License-Identifier: Apache-2.0
# bench/lib.sh: the body of run.sh once inside the private mount namespace -- helpers and
# bundles, the parity check, one driver plan per measurement, and the report (summary.md,
# latency.png). Sourced by run.sh, which sets SRC OUT SKIFF RUNC CRUN BUSYBOX PREFIX SMOKE
# and the round counts.

FAILED=()	# participants that failed outright
NOTES=()	# n/a and other remarks for the summary

build_helpers() {
	local cflags="-O2 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2"
	mkdir -p "$OUT/bin"
	cc $cflags -o "$OUT/bin/driver" "$SRC/driver.c"
	cc $cflags -o "$OUT/bin/stats" "$SRC/stats.c"
	cc $cflags -static -o "$OUT/bin/probe" "$SRC/probe.c"
	cc $cflags -static -o "$OUT/bin/floor" "$SRC/floor.c" \
		-l:libyajl_s.a -l:libcap.a -l:libseccomp.a
	FLOOR="$OUT/bin/floor"
}

# bundle NAME JQ-FILTER: $OUT/bundles/NAME/config.json from the base config.
bundle() {
	mkdir -p "$OUT/bundles/$1"
	jq "$2" "$OUT/base.json" >"$OUT/bundles/$1/config.json"
}

make_bundles() {
	local root="$OUT/rootfs"
	mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
	cp "$BUSYBOX" "$root/bin/busybox"
	for c in sh true sleep cat ls; do ln -sf busybox "$root/bin/$c"; done
	cp "$OUT/bin/probe" "$root/probe"
	# skiff's default spec; ociVersion lowered because crun 1.8 rejects 1.2.0
	(cd "$OUT" && rm -f config.json && "$SKIFF" spec && mv config.json spec.json)
	jq --arg root "$root" '.ociVersion = "1.0.2-dev" | .hostname = "bench"
		| .root.path = $root | .process.terminal = false' "$OUT/spec.json" >"$OUT/base.json"
	bundle true '.process.args = ["/bin/true"]'
	bundle sleep '.process.args = ["/bin/sleep", "7777777"]'
	bundle probe '.process.args = ["/probe"] + .linux.maskedPaths'
	bundle mem '.process.args = ["/bin/true"] | .linux.resources.memory = {"limit": 524288}'
	"$SRC/seccomp-profile.sh" >"$OUT/seccomp.json"
	bundle seccomp ".process.args = [\"/bin/true\"] | .linux.seccomp = $(cat "$OUT/seccomp.json")"
}

# rt NAME: the binary of a runtime participant.
rt() {
	case "$1" in skiff) echo "$SKIFF" ;; runc) echo "$RUNC" ;; crun) echo "$CRUN" ;; esac
}

# ---- parity: the same probe in every participant's container must print the same ----

normalize() { # normalize FILE: namespaces as private/host, tolerated differences removed
	local line type ino
	while IFS= read -r line; do
		case "$line" in
		"ns "*)
			set -- $line
			type=$2 ino=$3
			if [ "$(readlink "/proc/self/ns/$type" 2>/dev/null)" = "$ino" ]; then
				echo "ns $type host"
			else
				echo "ns $type private"
			fi
			;;
		"pid "*) ;;
		*) echo "$line" ;;
		esac
	done <"$1" | sed -E -f "$SRC/parity.sed" | sort
}

parity() {
	local p out ok=1 ref
	mkdir -p "$OUT/parity"
	for p in $PARTICIPANTS; do
		out="$OUT/parity/$p.txt"
		if [ "$p" = floor ]; then
			"$FLOOR" run "$OUT/bundles/probe" "$PREFIX-parity-floor" >"$out" 2>"$out.err" || true
		else
			"$(rt "$p")" --root "$OUT/state/$p" run --bundle "$OUT/bundles/probe" \
				"$PREFIX-parity-$p" >"$out" 2>"$out.err" || true
		fi
		normalize "$out" >"$OUT/parity/$p.norm"
		if ! grep -q '^hostname bench' "$out"; then
			log "parity: $p did not run the probe: $(head -c 300 "$out.err")"
			FAILED+=("$p")
			ok=0
		fi
	done
	ref="$OUT/parity/skiff.norm"
	for p in $PARTICIPANTS; do
		[ "$p" = skiff ] && continue
		if ! diff -u "$ref" "$OUT/parity/$p.norm" >"$OUT/parity/diff-skiff-$p.txt"; then
			log "parity: skiff and $p set up different containers:"
			cat "$OUT/parity/diff-skiff-$p.txt" >&2
			ok=0
		fi
	done
	[ "$ok" = 1 ]
}

# ---- plans ----

# plan_line KIND ARGS...: one tab-separated plan line.
plan_line() {
	local IFS=$'\t'
	echo "$*"
}

# drive MEASURE ROUNDS PLAN [fatal]: runs the driver; with fatal, a participant that fails
# counts as failed outright.
drive() {
	local rc=0 f
	"$OUT/bin/driver" -m "$1" -n "$2" -w "$WARM" -x "$PREFIX-$1" -o "$OUT/samples.csv" \
		-l "$OUT/logs/$1.log" "$3" 2>"$OUT/logs/$1.driver" || rc=$?
	cat "$OUT/logs/$1.driver" >&2
	[ "$rc" -le 1 ] || die "driver failed for $1 (exit $rc)"
	for f in $(sed -n 's/^driver: \([a-z]*\): FAILED.*/\1/p' "$OUT/logs/$1.driver"); do
		NOTES+=("$1: $f failed (see logs/$1.log)")
		[ "${4:-}" = fatal ] && FAILED+=("$f/$1")
	done
	return 0
}

cleanup_line() { # teardown for a runtime participant
	plan_line E "$SRC/run.sh" _cleanup "$(rt "$1")" "$OUT/state/$1"
}

measure_run() { # (1) and (6): run of /bin/true end to end
	local name=$1 bundle=$2 rounds=$3 who=$4 plan="$OUT/plans/$1" p
	: >"$plan"
	for p in $who; do
		plan_line P "$p" >>"$plan"
		if [ "$p" = floor ]; then
			plan_line T run "$FLOOR" run "$OUT/bundles/$bundle" "{id}" >>"$plan"
		else
			plan_line T run "$(rt "$p")" --root "$OUT/state/$p" run --bundle \
				"$OUT/bundles/$bundle" "{id}" >>"$plan"
			cleanup_line "$p" >>"$plan"
		fi
	done
	drive "$name" "$rounds" "$plan" "${5:-}"
}

measure_lifecycle() { # (2): create start state kill delete, each timed
	local plan="$OUT/plans/lifecycle" p r
	: >"$plan"
	for p in $RUNTIMES; do
		r=("$(rt "$p")" --root "$OUT/state/$p")
		plan_line P "$p" >>"$plan"
		plan_line T create "${r[@]}" create --bundle "$OUT/bundles/sleep" "{id}" >>"$plan"
		plan_line T start "${r[@]}" start "{id}" >>"$plan"
		plan_line T state "${r[@]}" state "{id}" >>"$plan"
		plan_line T kill "${r[@]}" kill "{id}" KILL >>"$plan"
		plan_line U "$SRC/run.sh" _stopped "${r[@]:0:1}" "$OUT/state/$p" "{id}" >>"$plan"
		plan_line T delete "${r[@]}" delete "{id}" >>"$plan"
		cleanup_line "$p" >>"$plan"
	done
	drive lifecycle "$R_LIFE" "$plan" fatal
}

has_exec() { # has_exec NAME: does this runtime implement exec?
	"$(rt "$1")" exec --help >/dev/null 2>&1
}

measure_exec() { # (3): exec /bin/true into a running container
	local plan="$OUT/plans/exec" p id pid who=""
	: >"$plan"
	for p in $RUNTIMES; do
		if ! has_exec "$p"; then
			NOTES+=("exec: $p has no exec command yet: n/a")
			continue
		fi
		id="$PREFIX-exec-$p"
		plan_line P "$p" >>"$plan"
		plan_line S "$(rt "$p")" --root "$OUT/state/$p" run -d --bundle "$OUT/bundles/sleep" \
			"$id" >>"$plan"
		plan_line T exec "$(rt "$p")" --root "$OUT/state/$p" exec "$id" /bin/true >>"$plan"
		cleanup_line "$p" >>"$plan"
		who="$who $p"
	done
	# the floor joins a container crun (or runc) started: exec's kernel work does not
	# depend on who created the target
	local host=crun
	[ -x "$CRUN" ] || host=runc
	id="$PREFIX-exec-floor-target"
	if "$(rt $host)" --root "$OUT/state/floor-target" run -d --bundle "$OUT/bundles/sleep" \
		"$id" >/dev/null 2>>"$OUT/logs/exec.log"; then
		pid=$("$(rt $host)" --root "$OUT/state/floor-target" state "$id" | jq .pid)
		plan_line P floor >>"$plan"
		plan_line T exec "$FLOOR" exec "$pid" "$OUT/bundles/sleep" /bin/true >>"$plan"
	fi
	drive exec "$R_EXEC" "$plan" fatal
	"$SRC/run.sh" _cleanup "$(rt $host)" "$OUT/state/floor-target"
}

measure_many() { # (5): N detached containers: start time, memory, delete, leaks
	local plan="$OUT/plans/many" p r snap="$SRC/run.sh"
	: >"$plan"
	for p in $RUNTIMES; do
		r=("$(rt "$p")" --root "$OUT/state/many-$p")
		plan_line P "$p" >>"$plan"
		plan_line U "$snap" _snap "$OUT/many.csv" before "$p" "{r}" "$OUT/state/many-$p" \
			"$PREFIX-many" >>"$plan"
		plan_line B "start$N_MANY" "$N_MANY" "${r[@]}" run -d --bundle "$OUT/bundles/sleep" \
			"{id}-{i}" >>"$plan"
		plan_line U "$snap" _snap "$OUT/many.csv" running "$p" "{r}" "$OUT/state/many-$p" \
			"$PREFIX-many" >>"$plan"
		plan_line B "delete$N_MANY" "$N_MANY" "${r[@]}" delete -f "{id}-{i}" >>"$plan"
		plan_line U "$snap" _snap "$OUT/many.csv" after "$p" "{r}" "$OUT/state/many-$p" \
			"$PREFIX-many" >>"$plan"
		plan_line E "$SRC/run.sh" _cleanup "${r[0]}" "$OUT/state/many-$p" >>"$plan"
	done
	WARM=0 drive many "$R_MANY" "$plan" fatal
}

# try NAME BUNDLE: does this participant run the bundle at all?
try_run() {
	if [ "$1" = floor ]; then
		"$FLOOR" run "$OUT/bundles/$2" "$PREFIX-try-$2" >/dev/null 2>>"$OUT/logs/$2.try"
	else
		"$(rt "$1")" --root "$OUT/state/$1" run --bundle "$OUT/bundles/$2" \
			"$PREFIX-try-$2-$1" >/dev/null 2>>"$OUT/logs/$2.try"
	fi
}

# ---- report ----

# ratio MEASURE OP PEER: "skiff/peer [CI]" from the stats table, or n/a.
ratio() {
	awk -F'|' -v m="$1" -v o="$2" -v p="$3" '
		{ for (i = 1; i <= NF; i++) gsub(/^ +| +$/, "", $i) }
		$2 == m && $3 == o && $4 == p { gsub(/\*/, "", $9); f = 1
			print ($9 == "n/a" || $9 == "") ? "n/a" : $9 " (95% CI " $10 ")" }
		END { if (!f) print "n/a" }' "$OUT/table.md"
}

# median MEASURE OP WHO [column]: median ms (column 6) or peak RSS KiB (column 8).
median() {
	awk -F'|' -v m="$1" -v o="$2" -v p="$3" -v c="${4:-6}" '
		{ for (i = 1; i <= NF; i++) gsub(/^ +| +$/, "", $i) }
		$2 == m && $3 == o && $4 == p { print $c; f = 1 }
		END { if (!f) print "n/a" }' "$OUT/table.md"
}

div() { # div A B: A/B with two decimals, n/a when either is missing
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a";
		else printf "%.2f", a / b }'
}

sizes() {
	local p bin tmp
	echo "| participant | binary | size KiB | stripped KiB | linkage |"
	echo "|---|---|---:|---:|---|"
	for p in $RUNTIMES floor; do
		bin=$(rt "$p")
		[ "$p" = floor ] && bin=$FLOOR
		tmp="$OUT/bin/strip-$p"
		strip -o "$tmp" "$bin" 2>/dev/null || cp "$bin" "$tmp"
		if ldd "$bin" >/dev/null 2>&1; then
			link="dynamic: $(ldd "$bin" | awk '/=>/ { n++; s = s " " $1 } END { print n " libs:" s }')"
		else
			link=static
		fi
		echo "| $p | $bin | $(( $(stat -c %s "$bin") / 1024 )) | $(( $(stat -c %s "$tmp") / 1024 )) | $link |"
	done
}

many_report() {
	[ -s "$OUT/many.csv" ] || { echo "n/a"; return; }
	echo "| participant | round | start $N_MANY ms | delete $N_MANY ms | KiB per container (its memory cgroup) | KiB per container (MemAvailable) | leaked mounts | cgroups | state dirs | processes | fds |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	awk -F, -v n="$N_MANY" '
		FILENAME ~ /samples/ && $1 == "many" { t[$2 "," $3 "," $4] = $5 / 1e6; next }
		$1 == "before" { b[$2 "," $3] = $0 }
		$1 == "running" { r[$2 "," $3] = $0 }
		$1 == "after" { a[$2 "," $3] = $0 }
		END {
			for (k in a) {
				split(b[k], B, ","); split(r[k], R, ","); split(a[k], A, ",")
				split(k, K, ",")
				printf "| %s | %s | %.1f | %.1f | %d | %d | %d | %d | %d | %d | %d |\n", K[1], K[2],
					t[K[1] "," K[2] ",start" n], t[K[1] "," K[2] ",delete" n],
					R[11] / n, (B[9] - R[9]) / n, A[4] - B[4], A[5] - B[5], A[6] - B[6],
					A[7] - B[7], A[8] - B[8]
			}
		}' "$OUT/samples.csv" "$OUT/many.csv" | sort
}

chart() {
	local gp="$OUT/latency.gp" panels=() m o f first
	for m in run/run lifecycle/create lifecycle/start lifecycle/delete exec/exec seccomp/run; do
		ls "$OUT/chart/${m%/*}-${m#*/}-"*.dat >/dev/null 2>&1 && panels+=("$m")
	done
	[ ${#panels[@]} -gt 0 ] && command -v gnuplot >/dev/null || { NOTES+=("no chart"); return 0; }
	{
		echo "set terminal pngcairo size 1400,$(( (${#panels[@]} + 1) / 2 * 380 )) font ',9'"
		echo "set output '$OUT/latency.png'"
		echo "set multiplot layout $(( (${#panels[@]} + 1) / 2 )),2 title 'latency CDF (ms, log scale), $(uname -r)'"
		echo "set logscale x; set grid; set key bottom right; set ylabel 'fraction'"
		for m in "${panels[@]}"; do
			echo "set title '${m%/*}: ${m#*/}'"
			printf 'plot '
			first=1
			for f in "$OUT/chart/${m%/*}-${m#*/}-"*.dat; do
				[ $first = 1 ] || printf ', '
				first=0
				p=${f##*-}
				p=${p%.dat}
				case $p in # one colour per participant in every panel
				skiff) c='#d62728' ;; crun) c='#1f77b4' ;; runc) c='#7f7f7f' ;; *) c='#2ca02c' ;;
				esac
				printf "'%s' using 1:2 with steps lw 2 lc rgb '%s' title '%s'" "$f" "$c" "$p"
			done
			echo
		done
		echo "unset multiplot"
	} >"$gp"
	gnuplot "$gp" 2>"$OUT/logs/gnuplot.log" || NOTES+=("gnuplot failed: see logs/gnuplot.log")
}

check() { # check VALUE OP LIMIT: a target mark
	awk -v v="${1%% *}" -v l="$3" -v op="$2" 'BEGIN {
		if (v == "n/a" || v == "") { print "n/a"; exit }
		ok = op == "<=" ? v + 0 <= l + 0 : v + 0 >= l + 0
		print ok ? "met" : "**not met**" }'
}

summary() {
	local s="$OUT/summary.md" run_floor run_crun exec_floor create_crun many_crun rss size
	mkdir -p "$OUT/chart"
	"$OUT/bin/stats" -b skiff -d "$OUT/chart" "$OUT/samples.csv" >"$OUT/table.md"
	run_floor=$(ratio run run floor)
	run_crun=$(ratio run run crun)
	exec_floor=$(ratio exec exec floor)
	create_crun=$(ratio lifecycle create crun)
	many_crun=$(ratio many "start$N_MANY" crun)
	rss=$(median run run skiff 8)
	size=$(( $(stat -c %s "$OUT/bin/strip-skiff") / 1024 ))
	{
		echo "# skiff benchmark $(date -u +%Y-%m-%dT%H:%MZ)$([ "$SMOKE" = 1 ] && echo ' (smoke: few rounds, numbers are not meaningful)')"
		echo
		echo "Machine: $(uname -r), $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)."
		echo "Participants: $("$SKIFF" --version | head -1); $("$RUNC" --version 2>/dev/null | head -1); $("$CRUN" --version 2>/dev/null | head -1); floor ($SRC/floor.c)."
		echo "All ran in one private mount namespace where /sys/fs/cgroup/unified is an empty tmpfs (cgroup v1 controllers)."
		echo "Rounds interleaved (A B C D, B C D A, ...): run $R_RUN, lifecycle $R_LIFE, exec $R_EXEC, seccomp $R_SECCOMP, 512K $R_MEM, many $R_MANY x $N_MANY; $WARM warm-up rounds."
		echo
		echo "Parity: $PARITY (probe output in parity/, tolerated differences in bench/parity.sed)."
		echo
		echo "## Headline (ratio of medians, skiff/peer; 95% bootstrap CI over paired rounds)"
		echo
		echo "| target | measured | goal | |"
		echo "|---|---|---|---|"
		echo "| run /bin/true: skiff/floor | $run_floor | <= 1.5 | $(check "$run_floor" '<=' 1.5) |"
		echo "| run /bin/true: skiff/crun | $run_crun | <= 0.55 | $(check "$run_crun" '<=' 0.55) |"
		echo "| exec: skiff/floor | $exec_floor | <= 2.0 | $(check "$exec_floor" '<=' 2.0) |"
		echo "| create: skiff/crun | $create_crun | <= 0.6 | $(check "$create_crun" '<=' 0.6) |"
		echo "| $N_MANY detached, start: skiff/crun | $many_crun | <= 0.6 | $(check "$many_crun" '<=' 0.6) |"
		echo "| peak RSS of skiff run (KiB) | $rss | <= 1536 | $(check "$rss" '<=' 1536) |"
		echo "| skiff binary, stripped (KiB) | $size ($(ldd "$SKIFF" >/dev/null 2>&1 && echo dynamic || echo static)) | <= 1536, static | $(check "$size" '<=' 1536) |"
		echo "| 512 KiB memory limit | $MEM_RESULT | starts | |"
		echo
		echo "Peers among themselves (ratio of medians; the issue measured crun/runc 0.44 run, 0.36 exec; floor/runc 0.16 run, 0.10 exec):"
		for m in run/run exec/exec lifecycle/create; do
			echo "${m%/*} ${m#*/}: crun/runc $(div "$(median "${m%/*}" "${m#*/}" crun)" "$(median "${m%/*}" "${m#*/}" runc)"), floor/runc $(div "$(median "${m%/*}" "${m#*/}" floor)" "$(median "${m%/*}" "${m#*/}" runc)"), skiff/runc $(div "$(median "${m%/*}" "${m#*/}" skiff)" "$(median "${m%/*}" "${m#*/}" runc)")."
		done
		echo
		echo "## Latencies (1 run, 2 lifecycle, 3 exec, 6 seccomp, 7 mem512k; ms)"
		echo
		echo "Peak RSS: max ru_maxrss of the runtime process and the children it reaped (wait4)."
		echo
		cat "$OUT/table.md"
		echo
		echo "![latency distributions](latency.png)"
		echo
		echo "## (4) Binary size"
		echo
		cat "$OUT/sizes.md"
		echo
		echo "## (5) $N_MANY containers started detached, then deleted"
		echo
		echo "Memory per container: the usage of the containers' memory cgroups (pages and kernel memory charged to them) divided by $N_MANY, and the drop of MemAvailable while they run divided by $N_MANY (system-wide: noisy when other work runs). Leaks: counts after delete minus before (mounts in the benchmark's namespace, cgroup dirs named after the ids, entries in the state root, leftover container processes and their fds)."
		echo
		many_report
		echo
		echo "## (6) seccomp profile ($(jq '[.syscalls[].names | length] | add' "$OUT/seccomp.json") names, $(jq '.syscalls | length' "$OUT/seccomp.json") rules: bench/seccomp-profile.sh)"
		echo
		echo "$SECCOMP_RESULT"
		echo
		echo "## (8) shim memory"
		echo
		echo "n/a: the shim has not landed."
		echo
		echo "## Notes"
		echo
		for n in "${NOTES[@]}"; do echo "- $n"; done
		[ ${#FAILED[@]} -eq 0 ] || echo "- FAILED outright: ${FAILED[*]}"
	} >"$s"
}

bench_main() {
	local p
	mkdir -p "$OUT/logs" "$OUT/plans" "$OUT/state"
	build_helpers
	make_bundles
	RUNTIMES=skiff
	for p in runc crun; do
		if [ -x "$(rt $p)" ]; then
			RUNTIMES="$RUNTIMES $p"
		else
			NOTES+=("$p is not installed: left out")
		fi
	done
	PARTICIPANTS="$RUNTIMES floor"
	echo "measure,participant,round,op,ns,maxrss_kb,status" >"$OUT/samples.csv"

	log "parity check: $PARTICIPANTS"
	if parity; then
		PARITY=identical
	else
		PARITY="DIFFERENT: see parity/diff-*.txt"
		log "parity check failed: refusing to report numbers"
		FAILED+=(parity)
		echo "# skiff benchmark: refused (parity check failed, see parity/)" >"$OUT/summary.md"
		exit 1
	fi

	log "(1) run /bin/true x $R_RUN"
	measure_run run true "$R_RUN" "$PARTICIPANTS" fatal
	log "(2) create start state kill delete x $R_LIFE"
	measure_lifecycle
	log "(3) exec x $R_EXEC"
	measure_exec
	log "(5) $N_MANY detached containers x $R_MANY"
	measure_many

	log "(6) seccomp x $R_SECCOMP"
	local who=""
	SECCOMP_RESULT=""
	for p in $PARTICIPANTS; do
		if try_run "$p" seccomp; then
			who="$who $p"
		else
			SECCOMP_RESULT="$SECCOMP_RESULT $p: n/a (refuses or fails the profile: $(tail -n1 "$OUT/logs/seccomp.try")).<br>"
		fi
	done
	[ -n "$who" ] && measure_run seccomp seccomp "$R_SECCOMP" "$who"
	SECCOMP_RESULT="${SECCOMP_RESULT:-all participants ran it} Latencies: rows 'seccomp' above."

	log "(7) 512 KiB memory limit x $R_MEM"
	who="" MEM_RESULT=""
	for p in $PARTICIPANTS; do
		if try_run "$p" mem; then
			who="$who $p"
			MEM_RESULT="$MEM_RESULT $p: starts;"
		else
			MEM_RESULT="$MEM_RESULT $p: **fails** ($(tail -n1 "$OUT/logs/mem.try" | cut -c1-120));"
		fi
	done
	[ -n "$who" ] && measure_run mem512k mem "$R_MEM" "$who"

	sizes >"$OUT/sizes.md"
	summary
	chart
	# leftovers the participants did not clean (after failures)
	for p in $RUNTIMES; do "$SRC/run.sh" _cleanup "$(rt "$p")" "$OUT/state/$p"; done
	log "done: $OUT/summary.md"
	sed -n '/^## Headline/,/^## Latencies/p' "$OUT/summary.md" | head -n -1 >&2
	if [ ${#FAILED[@]} -gt 0 ]; then
		log "FAILED outright: ${FAILED[*]}"
		exit 1
	fi
	exit 0
}

# ---- profile (run.sh --profile): syscall counts, perf stat, callgrind; by hand, not in make ----

profile_main() {
	local P="$OUT/profile" p r i n=${BENCH_ROUNDS:-30}
	mkdir -p "$OUT/logs" "$OUT/state" "$P"
	build_helpers
	make_bundles
	for p in skiff crun runc floor; do
		if [ "$p" = floor ]; then
			r=("$FLOOR" run "$OUT/bundles/true")
		else
			r=("$(rt "$p")" --root "$OUT/state/$p" run --bundle "$OUT/bundles/true")
		fi
		log "profile: $p"
		strace -f -c -o "$P/strace-c-$p.txt" "${r[@]}" "$PREFIX-sc-$p"
		strace -f -tt -T -o "$P/strace-tt-$p.txt" "${r[@]}" "$PREFIX-st-$p"
		perf stat -r "$n" -e task-clock,page-faults,context-switches,cpu-migrations \
			-o "$P/perf-stat-$p.txt" "${r[@]}" "$PREFIX-ps-$p" >/dev/null 2>&1 || true
	done
	# where skiff's own user-space instructions go: callgrind on each verb (no children).
	# valgrind 3.19 answers clone3 with ENOSYS, so create is measured up to that point and
	# the container for the other verbs is created without valgrind.
	local s=("$SKIFF" --root "$OUT/state/skiff") id="$PREFIX-cg" v a
	for v in create-until-clone3 create start state kill delete; do
		# valgrind does not know pidfd_open either: kill runs natively
		case $v in
		create*) a=(create --bundle "$OUT/bundles/sleep" "$id") ;;
		kill) a=(kill "$id" KILL) ;;
		*) a=("$v" "$id") ;;
		esac
		if [ "$v" = create ] || [ "$v" = kill ]; then
			"${s[@]}" "${a[@]}" >/dev/null 2>&1 </dev/null || log "$v failed"
			[ "$v" = kill ] && { "$SRC/run.sh" _stopped "$SKIFF" "$OUT/state/skiff" "$id" || true; }
			continue
		fi
		valgrind --tool=callgrind --trace-children=no --callgrind-out-file="$P/callgrind-$v.out" \
			"${s[@]}" "${a[@]}" >"$P/callgrind-$v.log" 2>&1 </dev/null || log "callgrind $v: exit $?"
		callgrind_annotate "$P/callgrind-$v.out" 2>/dev/null | head -45 >"$P/callgrind-$v.txt" || true
	done
	"$SRC/run.sh" _cleanup "$SKIFF" "$OUT/state/skiff"
	log "profile written to $P"
}
