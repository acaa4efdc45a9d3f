#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh: build the rig's Bochs and print the path of its binary (last
# line of stdout).
#
# Debian packages Bochs with its debugger and instrumentation compiled in,
# which turn off the CPU loop's handler chaining and check every
# instruction: measured on the same boots (minimal kernel, events, step,
# stats and smoke), Debian's bochs 2.7 took 30.2 s and this build 14.7 s,
# with the same emulated instruction counts. So the rig builds Bochs from
# Debian trixie's bochs source package (3.0; its upstream tarball,
# checked against the signed Release, see below) and compiles it here with the host's compiler: no debugger, no plugins, no
# GUI (display_library: nogui), the CPU features the rig's
# corei7_skylake_x model needs. Debian's bochsbios and vgabios packages
# still provide the ROMs.
#
# Cached under ${XVMX_CACHE:-/var/cache/xvmx}/bochs-HASH, HASH covering
# the configure flags, the source suite and the host compiler.
# build.sh --cached prints the binary only if it is built already, else
# fails: the demo takes Debian's Bochs then, rather than a chroot.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=${XVMX_CACHE:-/var/cache/xvmx}
mirror=${XVMX_MIRROR:-http://deb.debian.org/debian}
suite=trixie

die() { echo "bochs/build.sh: $*" >&2; exit 1; }

# The features of model=corei7_skylake_x (VMX with EPT, VPID, unrestricted
# guest and the preemption timer: --enable-vmx=2), SMP for --smp 2, the
# x86 debug registers guests may program, a CD-ROM to boot from.
flags=(
	--with-nogui --disable-plugins --disable-debugger --disable-docbook
	--enable-x86-64 --enable-smp --enable-cpu-level=6 --enable-vmx=2
	--enable-svm --enable-avx --enable-evex --enable-cet
	--enable-protection-keys --enable-memtype --enable-3dnow
	--enable-monitor-mwait --enable-x86-debugger --enable-fpu
	--enable-a20-pin --enable-pci --enable-cdrom
	--enable-all-optimizations --enable-handlers-chaining
	--enable-trace-linking --enable-repeat-speedups
)

ccver=$(g++ --version 2>/dev/null | head -n 1) ||
	die "no g++: run scripts/deps.sh (build-essential)"
# Bump when the way a build is made changes (not for comments).
format=1
hash=$({ echo "$format $suite"; echo "$ccver"; printf '%s\n' "${flags[@]}"; } |
	sha256sum | cut -c1-16)
out=$cache/bochs-$hash

if [[ -x $out/bochs && -f $out/.xvmx-built ]]; then
	echo "$out/bochs"
	exit 0
fi
[[ ${1:-} != --cached ]] || exit 1
[[ $# -eq 0 ]] || die "usage: build.sh [--cached]"

mkdir -p "$cache"
exec 9>"$cache/.lock-bochs"
flock 9
if [[ -x $out/bochs && -f $out/.xvmx-built ]]; then
	echo "$out/bochs"
	exit 0
fi
[[ $(id -u) -eq 0 ]] || die "must run as root the first time (the chroot's apt-get update)"

start=$(date +%s)
root=$("$repo/scripts/compat-env.sh" "$suite" | tail -n 1) ||
	die "the $suite environment (scripts/compat-env.sh) failed"
work=$(mktemp -d "$cache/.bochs-build.XXXXXX")
trap 'rm -rf --one-file-system "$work"' EXIT

# The source package's files, checked against trixie's signed Release:
# apt-get update fetches its Sources index (a private source list and
# lists directory, so the environment's apt state stays as compat-env.sh
# keyed it), which names each file with its SHA-256; apt-helper fetches
# them against those hashes. (Not apt-get source: the archive's mirrors
# here serve the tarballs but not always the .dsc.) The Debian patches
# are packaging (paths, build flags) for a build this one does not make.
echo "deb-src $mirror $suite main" >"$work/sources.list"
mkdir -p "$work/lists/partial" "$work/src"
echo "bochs/build.sh: the bochs source of $suite" >&2
"$repo/scripts/env-run.sh" "$root" "$work" apt-get -q \
	-o Dir::Etc::SourceList=/xvmx-build/sources.list \
	-o Dir::Etc::SourceParts=/dev/null \
	-o Dir::State::Lists=/xvmx-build/lists \
	-o APT::Sandbox::User=root update >"$work/source.log" 2>&1 ||
	{ tail -n 20 "$work/source.log" >&2; die "apt-get update (deb-src $suite) failed"; }
index=$(find "$work/lists" -maxdepth 1 -name '*_source_Sources' | head -n 1)
[[ -n $index ]] || die "no Sources index for $suite in $work/lists"
# Directory, then "SHA256 NAME" of the upstream tarball.
read -r dir sha name < <(awk '
	/^Package: / { p = ($2 == "bochs") }
	!p { next }
	/^Directory: / { dir = $2 }
	/^Checksums-Sha256:/ { sums = 1; next }
	/^ / { if (sums && $3 ~ /\.orig\.tar\.xz$/) orig = $1 " " $3; next }
	{ sums = 0 }
	END { if (dir != "" && orig != "") print dir, orig }
' "$index" | head -n 1) || true
[[ -n ${name:-} ]] || die "no bochs upstream tarball in $suite's Sources index"
/usr/lib/apt/apt-helper download-file "$mirror/$dir/$name" "$work/$name" \
	"SHA256:$sha" >>"$work/source.log" 2>&1 ||
	{ tail -n 5 "$work/source.log" >&2; die "fetching $name failed"; }
tar -C "$work/src" -xJf "$work/$name"
srcdir=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name 'bochs-*' | head -n 1)
[[ -n $srcdir && -x $srcdir/configure ]] || die "no bochs source tree in $name"

echo "bochs/build.sh: building $(basename "$srcdir")" >&2
(
	cd "$srcdir"
	./configure "${flags[@]}" >"$work/configure.log" 2>&1 ||
		{ tail -n 20 "$work/configure.log" >&2; exit 1; }
	nice make -j"$(nproc)" >"$work/make.log" 2>&1 ||
		{ tail -n 30 "$work/make.log" >&2; exit 1; }
) || die "building Bochs failed"

rm -rf "$out"
mkdir -p "$out"
install -m 755 "$srcdir/bochs" "$out/bochs"
basename "$srcdir" >"$out/version"
touch "$out/.xvmx-built"
# Old builds (another compiler, other flags) go.
for d in "$cache"/bochs-*; do
	[[ $d == "$out" || ! -d $d ]] || rm -rf --one-file-system "$d"
done
echo "bochs/build.sh: built in $(($(date +%s) - start)) s: $out/bochs" >&2
echo "$out/bochs"
