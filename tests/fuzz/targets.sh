# SPDX-License-Identifier: Apache-2.0
# Sourced by build-and-replay.sh and run-fuzzers.sh: the fuzz targets and, for each, the
# src/lib files it is compiled with (directly, so the fuzzers need no configured build).
FUZZ_TARGETS="spec process state sync mntopt signal id"
FUZZ_LIBS="-lyajl -lcap -lseccomp"

# fuzz_sources TARGET: the src/lib/*.c files (relative to src/lib) that TARGET links.
fuzz_sources() {
	case "$1" in
	spec | process) echo "spec.c spec-parse.c mntopt.c caps.c rlimit.c signals.c fs.c error.c" ;;
	state) echo "state.c id.c fs.c error.c" ;;
	sync) echo "sync.c error.c" ;;
	mntopt) echo "mntopt.c error.c" ;;
	signal) echo "signals.c error.c" ;;
	id) echo "id.c error.c" ;;
	*) return 1 ;;
	esac
}

# fuzz_config_h DIR: a config.h for the sources (the configured build's, else a minimal one).
fuzz_config_h() {
	local dir="$1"
	mkdir -p "$dir"
	if [ -n "${SKIFF_BUILDDIR:-}" ] && [ -f "$SKIFF_BUILDDIR/config.h" ]; then
		cp "$SKIFF_BUILDDIR/config.h" "$dir/config.h"
	else
		printf '#define PACKAGE_NAME "skiff"\n#define PACKAGE_VERSION "0.0.0-fuzz"\n#define VERSION "0.0.0-fuzz"\n#define GIT_COMMIT ""\n' >"$dir/config.h"
	fi
}
