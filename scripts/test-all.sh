#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Quick start, step 2 (as root on Debian 12): install what the tests need, build skiff with
# warnings as errors, and run the whole suite (`make check`: cmocka unit tests and the bats
# integration suite). CI runs exactly this script.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
need="autoconf automake libtool pkg-config make gcc libc6-dev libyajl-dev libcap-dev libseccomp-dev
	busybox-static libcmocka-dev bats jq iproute2 runc"
missing=$(for p in $need; do dpkg-query -W -f='${db:Status-Abbrev}\n' "$p" 2>/dev/null | grep -q '^ii' || echo "$p"; done)
if [ -n "$missing" ]; then
	apt-get update -qq
	apt-get install -y -qq $missing >/dev/null
fi

./autogen.sh >/dev/null
rm -rf build-test
mkdir -p build-test
cd build-test
../configure --enable-werror >/dev/null
make -j"$(nproc)" >/dev/null
make --no-print-directory -s check
