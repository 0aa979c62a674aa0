#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Quick start, step 1 (as root on Debian 12): install the build dependencies, build the static
# skiff binary, make a demo bundle from Debian's busybox-static and run a container in it.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
need="autoconf automake libtool pkg-config make gcc libc6-dev libyajl-dev libcap-dev libseccomp-dev
	busybox-static file"
missing=$(for p in $need; do dpkg-query -W -f='${db:Status-Abbrev}\n' "$p" 2>/dev/null | grep -q '^ii' || echo "$p"; done)
if [ -n "$missing" ]; then
	apt-get update -qq
	apt-get install -y -qq $missing >/dev/null
fi

./autogen.sh >/dev/null
mkdir -p build
(cd build && ../configure --enable-werror >/dev/null && make -j"$(nproc)" skiff)
echo "built: $(pwd)/build/skiff ($(stat -c %s build/skiff) bytes, $(file -b build/skiff | cut -d, -f1-2))"

demo=$(mktemp -d /tmp/skiff-demo.XXXXXX)
trap 'build/skiff delete -f skiff-demo >/dev/null 2>&1 || true; rm -rf "$demo"' EXIT
mkdir -p "$demo/rootfs/bin"
cp /bin/busybox "$demo/rootfs/bin/busybox"
for applet in sh echo hostname cat; do ln -s busybox "$demo/rootfs/bin/$applet"; done
build/skiff spec --bundle "$demo"
# The default config wants a terminal; the demo prints and exits.
sed -i -e 's/"terminal": true/"terminal": false/' \
	-e 's|^\(\s*\)"sh"$|\1"sh", "-c", "echo Hello from a skiff container on $(hostname)!"|' \
	"$demo/config.json"
build/skiff run --bundle "$demo" skiff-demo
