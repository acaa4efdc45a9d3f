#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# compat-env.sh: create (or reuse) a Debian build environment for building
# xvmx.ko against a newer kernel's headers, and print its root directory.
#
#   scripts/compat-env.sh [--refresh] [--pkg PKG]... NAME
#   scripts/compat-env.sh --list
#
# Newer Debian headers want their own toolchain (7.x: gcc-14 or later,
# kbuild host tools linked against glibc 2.38 or later), so each one gets
# a debootstrapped chroot of the suite it comes from rather than patched
# bookworm tools. Environments live in ${XVMX_CACHE:-/var/cache/xvmx}/env/
# NAME, keyed on the suite, its apt sources and the package list: a cached
# environment whose key matches is reused as it is (a fraction of a
# second); one whose key differs is rebuilt. --refresh runs apt-get update
# and upgrade inside a cached one (newer headers of the same suite).
# Concurrent runs are serialised per environment with flock.
#
# Every mount made here is made inside a private mount namespace
# (unshare -m), so none outlives the script, whatever way it exits.
set -euo pipefail

prog=compat-env.sh
cache=${XVMX_CACHE:-/var/cache/xvmx}
mirror=${XVMX_MIRROR:-http://deb.debian.org/debian}
secmirror=${XVMX_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
# Bump when the way an environment is laid out changes: old ones rebuild.
format=1

# NAME -> "suite|apt sources (;-separated suite[@security])|packages|
# sparse source suite". PKG/SUITE installs PKG (and whatever it needs) from
# that suite. A sparse source suite builds sparse from that suite's Debian
# source into /usr/local/bin: 7.x headers use __typeof_unqual__ under
# __CHECKER__, which trixie's sparse 0.6.4 cannot parse, and sid's binary
# package drags in sid's gcc-16.
# linux-image-amd64: the stock kernel the emulator rig boots (tests/vm/run
# --kernel trixie, trixie-bpo), with the modules kvm_intel comes from.
declare -A envs=(
	[trixie]="trixie|trixie;trixie-updates;trixie-security@security|build-essential sparse kmod linux-headers-amd64 linux-image-amd64|"
	[trixie-backports]="trixie|trixie;trixie-updates;trixie-security@security;trixie-backports|build-essential sparse kmod linux-headers-amd64/trixie-backports linux-image-amd64/trixie-backports|sid"
	[sid]="sid|sid|build-essential sparse kmod linux-headers-amd64|"
)

die() { echo "$prog: $*" >&2; exit 1; }
log() { echo "$prog: $*" >&2; }

usage() {
	cat >&2 <<EOF
usage: $prog [--refresh] [--pkg PKG]... NAME
       $prog --list
Creates or reuses the build environment NAME under $cache/env/NAME
and prints its root. NAME is one of: ${!envs[*]}
  --refresh  apt-get update and upgrade inside a cached environment
  --pkg PKG  install PKG too (part of the cache key)
Environment: XVMX_CACHE, XVMX_MIRROR, XVMX_SECURITY_MIRROR.
EOF
	exit 2
}

refresh=0
extra=()
name=
while [[ $# -gt 0 ]]; do
	case $1 in
	--refresh) refresh=1 ;;
	--pkg) [[ $# -ge 2 ]] || usage; extra+=("$2"); shift ;;
	--list)
		for n in "${!envs[@]}"; do
			IFS='|' read -r s src p ss <<<"${envs[$n]}"
			printf '%-18s %s (%s): %s%s\n' "$n" "$s" "$src" "$p" \
				"${ss:+, sparse from $ss source}"
		done | sort
		exit 0 ;;
	-h|--help) usage ;;
	-*) echo "$prog: unknown option $1" >&2; usage ;;
	*) [[ -z $name ]] || usage; name=$1 ;;
	esac
	shift
done
[[ -n $name ]] || usage
[[ -n ${envs[$name]:-} ]] ||
	die "unknown environment '$name' (known: ${!envs[*]})"
[[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap, chroot, mount)"

IFS='|' read -r suite sources pkgs sparse_src <<<"${envs[$name]}"
read -r -a pkglist <<<"$pkgs"
pkglist+=("${extra[@]}")

# One apt source line per suite; @security takes the security archive.
sources_list() {
	local s
	IFS=';' read -r -a ss <<<"$sources"
	for s in "${ss[@]}"; do
		if [[ $s == *@security ]]; then
			echo "deb $secmirror ${s%@security} main"
		elif [[ $s == sid ]]; then
			# sid's Release is valid for days only: a frozen
			# mirror or a clock ahead of it is refused otherwise.
			echo "deb [check-valid-until=no] $mirror $s main"
		else
			echo "deb $mirror $s main"
		fi
	done
}

key_text() {
	printf 'format=%s\nsuite=%s\n' "$format" "$suite"
	sources_list | sed 's/^/source=/'
	printf '%s\n' "${pkglist[@]}" | sort -u | sed 's/^/pkg=/'
	[[ -z $sparse_src ]] || echo "sparse-src=$sparse_src"
}
key=$(key_text | sha256sum | cut -c1-16)

root=$cache/env/$name
stamp=$root/.xvmx-env

mkdir -p "$cache/env"
exec 9>"$cache/env/.$name.lock"
if ! flock -n 9; then
	log "waiting for another run building $name"
	flock -w 3600 9 || die "timed out waiting for the lock on $name"
fi

# Fast path: a complete environment with the same key.
if [[ $refresh -eq 0 && -f $stamp ]] &&
	[[ $(sed -n 's/^key=//p' "$stamp") == "$key" ]]; then
	echo "$root"
	exit 0
fi

if ! command -v debootstrap >/dev/null; then
	log "installing debootstrap on the host"
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
		-q -y install --no-install-recommends debootstrap >&2 ||
		die "apt-get install debootstrap failed"
fi
[[ -r $keyring ]] || die "no Debian archive keyring at $keyring (apt-get install debian-archive-keyring)"

# Run a command in the chroot with /proc, /sys and /dev mounted, all in a
# private mount namespace that takes them away when it ends.
in_chroot() {
	local r=$1
	shift
	cp /etc/resolv.conf "$r/etc/resolv.conf"
	unshare -m --propagation private /bin/sh -ec '
		r=$1; shift
		mount -t proc proc "$r/proc"
		mount --rbind /sys "$r/sys"
		mount --rbind /dev "$r/dev"
		exec nice -n 10 chroot "$r" /usr/bin/env -i \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive INITRD=No "$@"
	' sh "$r" "$@"
}

apt_install() {
	local r=$1
	in_chroot "$r" apt-get -q -y update >&2 ||
		die "$name: apt-get update failed in $r"
	in_chroot "$r" apt-get -q -y install "${pkglist[@]}" >&2 ||
		die "$name: apt-get install ${pkglist[*]} failed in $r"
	in_chroot "$r" apt-get -q -y clean >&2
}

# sparse from $sparse_src's Debian source, built in the environment with
# its own gcc (only the sparse binary: kbuild's CHECK).
build_sparse() {
	local r=$1
	# Only a source package is taken from this suite, and its hashes are
	# still checked against the signed Release; but sid's Release carries
	# a Valid-Until of days, and a frozen mirror (or a clock ahead of it)
	# makes apt refuse it outright.
	echo "deb-src [check-valid-until=no] $mirror $sparse_src main" \
		>"$r/etc/apt/sources.list.d/xvmx-sparse-src.list"
	in_chroot "$r" apt-get -q -y update >&2 ||
		die "$name: apt-get update (deb-src $sparse_src) failed"
	in_chroot "$r" sh -ec "rm -rf /usr/local/src/sparse; mkdir -p /usr/local/src/sparse
		cd /usr/local/src/sparse; apt-get -q source sparse/$sparse_src
		make -C sparse-*/ -s CC=gcc sparse
		install -m 755 sparse-*/sparse /usr/local/bin/sparse
		/usr/local/bin/sparse --version" >&2 ||
		die "$name: building sparse from $sparse_src source failed"
	rm -f "$r/etc/apt/sources.list.d/xvmx-sparse-src.list"
	in_chroot "$r" apt-get -q -y update >&2
}

write_stamp() {
	{ echo "key=$key"; key_text; } >"$1/.xvmx-env"
}

# Grow path: the cached environment differs only in wanting more packages
# (same layout, suite and sources, and every package it has is still
# wanted): install the new ones in place rather than debootstrap again.
if [[ -f $stamp ]] &&
	diff -q <(grep -v '^pkg=' "$stamp" | grep -v '^key=') \
		<(key_text | grep -v '^pkg=') >/dev/null &&
	[[ -z $(comm -23 <(sed -n 's/^pkg=//p' "$stamp" | sort -u) \
		<(printf '%s\n' "${pkglist[@]}" | sort -u)) ]]; then
	log "$name: adding packages to $root"
	apt_install "$root"
	write_stamp "$root"
	echo "$root"
	exit 0
fi

if [[ $refresh -eq 1 && -f $stamp ]] &&
	[[ $(sed -n 's/^key=//p' "$stamp") == "$key" ]]; then
	log "$name: refreshing $root"
	in_chroot "$root" apt-get -q -y update >&2 || die "$name: apt-get update failed"
	in_chroot "$root" apt-get -q -y upgrade >&2 || die "$name: apt-get upgrade failed"
	in_chroot "$root" apt-get -q -y clean >&2
	echo "$root"
	exit 0
fi

# Build a new environment beside the old and swap it in only when whole,
# so an interrupted run never leaves a half environment behind a good key.
new=$cache/env/.$name.new
rm -rf --one-file-system "$new"
trap 'rm -rf --one-file-system "$new"' EXIT
log "$name: debootstrap $suite into $new (key $key)"
start=$SECONDS
nice -n 10 debootstrap --variant=minbase --components=main \
	--keyring="$keyring" "$suite" "$new" "$mirror" >"$cache/env/$name.debootstrap.log" 2>&1 ||
	die "$name: debootstrap $suite failed; see $cache/env/$name.debootstrap.log"

sources_list >"$new/etc/apt/sources.list"
cat >"$new/etc/apt/apt.conf.d/90xvmx" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
DPkg::Lock::Timeout "600";
EOF
# Documentation, man pages and translations are dead weight here.
cat >"$new/etc/dpkg/dpkg.cfg.d/90xvmx" <<'EOF'
path-exclude=/usr/share/doc/*
path-exclude=/usr/share/man/*
path-exclude=/usr/share/locale/*
path-exclude=/usr/share/info/*
EOF
# No daemons start inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$new/usr/sbin/policy-rc.d"
chmod 755 "$new/usr/sbin/policy-rc.d"

log "$name: installing ${pkglist[*]}"
apt_install "$new"
if [[ -n $sparse_src ]]; then
	log "$name: building sparse from $sparse_src source"
	build_sparse "$new"
fi
write_stamp "$new"

if [[ -e $root ]]; then
	grep -q " $root[/ ]" /proc/self/mountinfo &&
		die "$name: something is mounted under $root; not replacing it"
	rm -rf --one-file-system "$root"
fi
mv "$new" "$root"
trap - EXIT
log "$name: ready in $((SECONDS - start)) s"
echo "$root"
