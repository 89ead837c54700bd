#!/usr/bin/env bash
# Idempotent set-up: installs, with apt-get, only the Debian packages that
# are missing. Called by `make run`, `make check` and .ci/run, so a fresh
# Debian 12 machine needs nothing else.
set -euo pipefail

# Packages by purpose; keep this list the one place that names them.
PKGS=(
	build-essential pkg-config          # toolchain
	clang llvm bpftool libbpf-dev       # BPF programs and skeletons
	libelf-dev zlib1g-dev libzstd-dev   # libbpf's own dependencies (static link too)
	libcmocka-dev valgrind              # unit tests (valgrind: check-unit-valgrind)
	libjson-c-dev                       # JSON output and input
	libmicrohttpd-dev curl prometheus   # exitstat serve (HTTP); its tests: curl, promtool, prometheus
	python3                             # tests: an independent quoted-printable encoder (quopri)
	zlib1g-dev liblzma-dev libzstd-dev zstd gzip  # compressed inputs (sources/decompress.c) and their tests
	libtracecmd-dev libtracefs-dev libtraceevent-dev  # trace.dat read by its fields (sources/trace_dat.c)
	libdeflate-dev                      # recordings' blocks inflated at 2-3x zlib's speed (sources/record_read.c)
	time                                # GNU time: peak memory in make bench (bench-report, bench-trace-read)
	linux-libc-dev                      # asm/vmx.h, asm/svm.h for the catalogue test
	binutils                            # objcopy, nm: a System.map of exitgen's program (check-explain, hotspots)
	qemu-system-x86 busybox-static cpio xz-utils jq kmod  # the real-KVM bed
	bochs bochsbios vgabios bochs-term xorriso isolinux syslinux-common  # the VMX bed (kvm_intel under Bochs)
	trace-cmd linux-perf                # real traces for the bed's fixtures; perf: a peer in bench-live
	bpftrace                            # a peer in bench-live (copied into the bed)
	libxml2-utils librsvg2-bin          # plot -o x.png (rsvg-convert) and the plot tests (xmllint)
	libclang-rt-14-dev                  # make fuzz, check-fuzz: libFuzzer and the sanitizers for clang
	groff-base man-db bsdextrautils     # the man page check (groff, man -l, col)
	linux-source-6.12 bc bison flex libssl-dev ccache  # kernel/: the KVM patch series' build and boot checks
)

missing=()
for p in "${PKGS[@]}"; do
	[[ $p == \#* ]] && continue
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if ((${#missing[@]})); then
	if [[ $(id -u) -ne 0 ]]; then
		echo "setup: missing Debian packages: ${missing[*]}; run as root or install them with apt-get" >&2
		exit 1
	fi
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	stamp=/var/lib/apt/periodic/exitstat-update-stamp
	if [[ ! -e $stamp ]] || [[ -n $(find "$stamp" -mmin +360 2>/dev/null) ]]; then
		apt-get update -q >/dev/null
		mkdir -p "$(dirname "$stamp")" && touch "$stamp"
	fi
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# tracefs is where the kvm tracepoints live; mount it if it is not (root only).
if [[ $(id -u) -eq 0 ]] && [[ ! -d /sys/kernel/tracing/events ]]; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
fi
exit 0
