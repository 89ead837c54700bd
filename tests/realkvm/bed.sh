#!/usr/bin/env bash
# The real-KVM test bed. This machine's KVM (kvm_pvm) never fires kvm:kvm_exit,
# so exit counts are checked against Debian's stock 6.12 kernel running kvm_amd
# inside QEMU TCG (-cpu qemu64,+svm,+npt), where kvm_exit fires with real SVM codes,
# or, with --vmx first, kvm_intel inside Bochs (cpu model corei7_skylake_x: VMX
# with EPT, unrestricted guest), where it fires with real VMX codes.
#
#   bed.sh [--vmx] SUBCOMMAND ...      --vmx: the VMX bed (Bochs, kvm_intel)
#   bed.sh kernel                      fetch + unpack the kernel (cached); prints its dir
#   bed.sh initramfs -o FILE [opts]    build a busybox-static initramfs with a guest job
#   bed.sh boot --initrd FILE [opts]   boot it (QEMU TCG; Bochs with --vmx), bring the job's files back
#   bed.sh run --script FILE [opts]    initramfs + boot in one go
#   bed.sh extract CAPTURE DIR         unpack a results block from a serial capture
#
# See tests/realkvm/README.md for the full interface.
set -euo pipefail

BED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BED_DIR/../.." && pwd)
CACHE=${EXITSTAT_CACHE:-/var/cache/exitstat}
# The pin: the newest Debian 12 6.12 kernel when the bed was written. If the
# archive no longer has it, the newest 6.12 one is used and named on stderr.
KERNEL_PIN=${EXITSTAT_KERNEL_PIN:-6.12.117+deb12-amd64}
# What the bed loads by default; dependencies (kvm, ccp, irqbypass) come from modinfo.
DEFAULT_MODULES=(kvm-amd)
# svm: QEMU TCG with kvm_amd; vmx (--vmx): Bochs with kvm_intel.
ISA=svm
EMULATOR=qemu-system-x86_64
RESULTS_BEGIN='=====EXITSTAT-BED-RESULTS-BEGIN====='
RESULTS_END='=====EXITSTAT-BED-RESULTS-END====='

CLEANUP_DIRS=()
trap 'rm -rf "${CLEANUP_DIRS[@]}"' EXIT
die() { echo "bed: $*" >&2; exit 1; }
note() { echo "bed: $*" >&2; }

# --- kernel -----------------------------------------------------------------

# Newest linux-image-6.12.*+deb12-amd64-unsigned apt knows about, as a release name.
newest_available_release() {
	apt-cache pkgnames linux-image-6.12. 2>/dev/null |
		sed -n 's/^linux-image-\(6\.12\.[0-9]*+deb12-amd64\)-unsigned$/\1/p' |
		sort -V | tail -n 1
}

# Download and unpack one release into the cache (never installs it).
unpack_release() {
	local release=$1 dir=$CACHE/kernel/$1
	local pkg=linux-image-$release-unsigned tmp
	mkdir -p "$CACHE/kernel" || die "cannot create cache dir $CACHE/kernel"
	tmp=$(mktemp -d "$CACHE/kernel/.dl.XXXXXX")
	# apt-get download writes into the cwd; the _apt sandbox warning is harmless.
	if ! (cd "$tmp" && apt-get download -q "$pkg" >"$tmp/apt.log" 2>&1); then
		cat "$tmp/apt.log" >&2
		rm -rf "$tmp"
		return 1
	fi
	dpkg-deb -x "$tmp"/*.deb "$tmp/root" || { rm -rf "$tmp"; die "dpkg-deb -x of $pkg failed"; }
	dpkg-deb -f "$tmp"/*.deb Package Version >"$tmp/package"
	rm -f "$tmp"/*.deb "$tmp/apt.log"
	[[ -f $tmp/root/boot/vmlinuz-$release ]] || { rm -rf "$tmp"; die "$pkg has no boot/vmlinuz-$release"; }
	rm -rf "$dir"
	mv "$tmp" "$dir"
	touch "$dir/.complete"
}

# Prints the cache dir of the kernel to use, fetching it on the first run.
# Beds started at the same time (several checks) share one download: flock.
kernel_dir() {
	mkdir -p "$CACHE/kernel" || die "cannot create cache dir $CACHE/kernel"
	(
		flock 9 || die "cannot lock $CACHE/kernel/.lock"
		kernel_dir_locked
	) 9>"$CACHE/kernel/.lock"
}

kernel_dir_locked() {
	local release=$KERNEL_PIN newest
	if [[ -e $CACHE/kernel/$release/.complete ]]; then
		echo "$CACHE/kernel/$release"
		return
	fi
	command -v apt-get >/dev/null || die "apt-get not found: cannot fetch linux-image-$release-unsigned"
	if ! apt-cache show "linux-image-$release-unsigned" >/dev/null 2>&1; then
		newest=$(newest_available_release)
		[[ -n $newest ]] || die "no linux-image-6.12.*+deb12-amd64-unsigned package in apt (pin $KERNEL_PIN); run apt-get update"
		note "pinned linux-image-$KERNEL_PIN-unsigned is not in apt; using the newest: linux-image-$newest-unsigned"
		release=$newest
		if [[ -e $CACHE/kernel/$release/.complete ]]; then
			echo "$CACHE/kernel/$release"
			return
		fi
	fi
	note "fetching linux-image-$release-unsigned into $CACHE/kernel/$release"
	unpack_release "$release" || die "apt-get download linux-image-$release-unsigned failed"
	echo "$CACHE/kernel/$release"
}

# Module file (.ko.xz or .ko) for a module name in an unpacked kernel.
module_file() {
	local kdir=$1 name=$2 release f
	release=$(basename "$kdir")
	for n in "$name" "${name//-/_}" "${name//_/-}"; do
		f=$(find "$kdir/root/lib/modules/$release" -name "$n.ko.xz" -o -name "$n.ko" | head -n 1)
		[[ -n $f ]] && { echo "$f"; return; }
	done
	die "module $name not found in $kdir/root/lib/modules/$release"
}

# Names of the modules needed for NAME..., dependencies first, each once.
module_closure() {
	local kdir=$1
	shift
	local -A seen=()
	local order=()
	visit() {
		local name=$1 f deps d
		[[ -n ${seen[$name]:-} ]] && return
		seen[$name]=1
		f=$(module_file "$kdir" "$name")
		deps=$(modinfo -F depends "$f") || die "modinfo $f failed"
		for d in ${deps//,/ }; do visit "$d"; done
		order+=("$name")
	}
	for m in "$@"; do visit "$m"; done
	printf '%s\n' "${order[@]}"
}

# Decompressed .ko for a module, cached next to the unpacked kernel.
module_ko() {
	local kdir=$1 name=$2 f out
	out=$kdir/ko/$name.ko
	if [[ ! -s $out ]]; then
		f=$(module_file "$kdir" "$name")
		mkdir -p "$kdir/ko"
		# A private temporary name, then an atomic rename: concurrent beds are safe.
		case $f in
		*.xz) xz -dc "$f" >"$out.$$.tmp" || die "xz -d $f failed" ;;
		*) cp "$f" "$out.$$.tmp" ;;
		esac
		mv "$out.$$.tmp" "$out"
	fi
	echo "$out"
}

cmd_kernel() {
	local kdir m extra=()
	while (($#)); do
		case $1 in
		--module) extra+=("$2"); shift 2 ;;
		*) die "kernel: unknown option $1" ;;
		esac
	done
	kdir=$(kernel_dir)
	for m in $(module_closure "$kdir" "${DEFAULT_MODULES[@]}" "${extra[@]}"); do
		module_ko "$kdir" "$m" >/dev/null
	done
	note "kernel $(basename "$kdir") ($(tr '\n' ' ' <"$kdir/package" | sed 's/ $//')) vmlinuz=$kdir/root/boot/vmlinuz-$(basename "$kdir")"
	echo "$kdir"
}

# --- initramfs ----------------------------------------------------------------

# Copy a dynamically linked program or library and everything ldd says it needs.
add_dynamic() {
	local root=$1 src=$2 dest=$3 lib
	install -D -m 755 "$src" "$root$dest"
	ldd "$src" >/dev/null 2>&1 || die "ldd $src failed (not a dynamic ELF?)"
	for lib in $(ldd "$src" | awk '/=> \// {print $3} /^\t\// {print $1}'); do
		[[ -e $root$lib ]] && continue
		install -D -m 755 "$(readlink -f "$lib")" "$root$lib"
	done
}

cmd_initramfs() {
	local out="" script="" kernel_given="" modules=1 kdir="" root m src dest
	local extra_modules=() adds=() dyns=()
	while (($#)); do
		case $1 in
		-o) out=$2; shift 2 ;;
		--script) script=$2; shift 2 ;;
		--add) adds+=("$2"); shift 2 ;;
		--add-dyn) dyns+=("$2"); shift 2 ;;
		--module) extra_modules+=("$2"); shift 2 ;;
		--no-modules) modules=0; shift ;;
		--kernel) kernel_given=$2; shift 2 ;;
		*) die "initramfs: unknown option $1" ;;
		esac
	done
	[[ -n $out ]] || die "initramfs: -o FILE is required"
	[[ -z $script || -f $script ]] || die "initramfs: --script $script: no such file"
	# A custom kernel (--kernel) brings its own built-ins; Debian's modules would not load.
	[[ -n $kernel_given ]] && ((${#extra_modules[@]} == 0)) && modules=0
	local busybox
	busybox=$(command -v busybox) || die "busybox not found (Debian package busybox-static)"
	! ldd "$busybox" >/dev/null 2>&1 || die "$busybox is dynamically linked (install busybox-static)"

	root=$(mktemp -d)
	CLEANUP_DIRS+=("$root")
	# mktemp's 0700 would become the guest's / : no path for a non-root user
	chmod 755 "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,out,etc/bed,lib/bed/modules}
	cp "$busybox" "$root/bin/busybox"
	for applet in $("$busybox" --list); do
		[[ -e $root/bin/$applet ]] || ln -s busybox "$root/bin/$applet"
	done
	install -m 755 "$BED_DIR/guest/init" "$root/init"
	install -m 644 "$BED_DIR/guest/lib.sh" "$root/lib/bed/lib.sh"

	# The project's static binaries, whatever `make static` has produced so far.
	if [[ -d $REPO/build/static ]]; then
		for src in "$REPO"/build/static/*; do
			[[ -f $src && -x $src ]] && install -m 755 "$src" "$root/bin/$(basename "$src")"
		done
	fi

	if ((modules)); then
		kdir=$(kernel_dir)
		: >"$root/etc/bed/modules"
		for m in $(module_closure "$kdir" "${DEFAULT_MODULES[@]}" "${extra_modules[@]}"); do
			cp "$(module_ko "$kdir" "$m")" "$root/lib/bed/modules/$m.ko"
			echo "$m" >>"$root/etc/bed/modules"
		done
		basename "$kdir" >"$root/etc/bed/kernel-release"
		tr '\n' ' ' <"$kdir/package" >"$root/etc/bed/kernel-package"
	fi

	for a in "${adds[@]}"; do
		src=${a%%:*}
		dest=${a#*:}
		[[ $a == *:* ]] || dest=$src
		[[ $dest == /* ]] || dest=/bin/$(basename "$dest")
		[[ -e $src ]] || die "initramfs: --add $src: no such file"
		mkdir -p "$(dirname "$root$dest")"
		cp -a -L "$src" "$root$dest"
	done
	for a in "${dyns[@]}"; do
		src=${a%%:*}
		dest=${a#*:}
		[[ $a == *:* ]] || dest=$src
		[[ -e $src ]] || die "initramfs: --add-dyn $src: no such file"
		add_dynamic "$root" "$(readlink -f "$src")" "$dest"
	done
	[[ -n $script ]] && install -m 755 "$script" "$root/job"
	# Bochs cannot be told not to reboot: the guest powers off instead.
	[[ $ISA == vmx ]] && touch "$root/etc/bed/poweroff"

	mkdir -p "$(dirname "$out")"
	(cd "$root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet -R 0:0) | gzip -1 >"$out.tmp" ||
		die "initramfs: cpio/gzip into $out failed"
	mv "$out.tmp" "$out"
	rm -rf "$root"
	note "initramfs $out ($(du -k "$out" | cut -f1) KiB)"
}

# --- boot ---------------------------------------------------------------------

cmd_boot() {
	local initrd="" kernel="" results="" timeout_s=300 smp=1 mem=1G append="" log=""
	local qemu_extra=() bochs_extra=() start rc=0 raw
	while (($#)); do
		case $1 in
		--initrd) initrd=$2; shift 2 ;;
		--kernel) kernel=$2; shift 2 ;;
		--results) results=$2; shift 2 ;;
		--timeout) timeout_s=$2; shift 2 ;;
		--smp) smp=$2; shift 2 ;;
		--mem) mem=$2; shift 2 ;;
		--append) append=$2; shift 2 ;;
		--log) log=$2; shift 2 ;;
		--qemu-arg) qemu_extra+=("$2"); shift 2 ;;
		--bochs-line) bochs_extra+=("$2"); shift 2 ;;
		*) die "boot: unknown option $1" ;;
		esac
	done
	[[ -f $initrd ]] || die "boot: --initrd $initrd: no such file"
	[[ -n $results ]] || die "boot: --results DIR is required"
	if [[ $ISA == vmx ]]; then
		((${#qemu_extra[@]} == 0)) || die "boot: --qemu-arg is for the SVM bed (QEMU); the VMX bed runs Bochs (--bochs-line)"
		bochs_tools_present
	else
		((${#bochs_extra[@]} == 0)) || die "boot: --bochs-line is for the VMX bed (bed.sh --vmx)"
		command -v qemu-system-x86_64 >/dev/null ||
			die "qemu-system-x86_64 not found (Debian package qemu-system-x86): the real-KVM bed cannot run"
	fi
	if [[ -z $kernel ]]; then
		local kdir
		kdir=$(kernel_dir)
		kernel=$kdir/root/boot/vmlinuz-$(basename "$kdir")
	fi
	[[ -f $kernel ]] || die "boot: kernel $kernel: no such file"
	# Only ever empty a directory the bed made (.bed-results; older beds: job.log).
	if [[ -d $results && -n $(ls -A "$results") && ! -e $results/.bed-results &&
		! -e $results/job.log ]]; then
		die "boot: --results $results exists, is not empty and is not a bed results directory; not emptying it"
	fi
	rm -rf "$results"
	mkdir -p "$results" || die "boot: cannot create $results"
	touch "$results/.bed-results"
	[[ -n $log ]] || log=$results/console.log
	raw=$results/.results-port.txt
	: >"$raw"

	start=$(date +%s.%N)
	# ttyS0 is the console (streamed to stdout and the log); ttyS1 carries only
	# the results, so kernel messages can never interleave with them.
	local qrc=0 append_all="console=ttyS0,115200 panic=-1 loglevel=4 $append"
	set +e
	if [[ $ISA == vmx ]]; then
		boot_bochs "$results" "$kernel" "$initrd" "$append_all" "$raw" "$log"
		qrc=$?
	else
		# One host thread runs every vCPU (thread=single). Under QEMU 7.2's
		# multi-threaded TCG a guest CPU can run code another guest CPU
		# has just patched, stale: a two-CPU guest switching a static key
		# while its other CPU runs the site oopses in the int3 that
		# text_poke_bp() had already removed ("Oops: int3" in
		# ttwu_do_activate: enabling a kvm event switches sched_wakeup
		# for record-cmd; it failed kernel-boot-check-debug in CI, both
		# boots). 3000 toggles of sched_wakeup against a pipe, host
		# loaded: both MTTCG boots crashed within seconds, three
		# thread=single boots never. The jobs keep one CPU busy at a
		# time, so it costs them nothing (kernel-boot-check-debug 23.1 s
		# -> 23.8 s).
		timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 \
			-accel tcg,thread=single -cpu qemu64,+svm,+npt -m "$mem" -smp "$smp" \
			-nographic -no-reboot -monitor none -nic none \
			-serial stdio -serial "file:$raw" \
			-kernel "$kernel" -initrd "$initrd" \
			-append "$append_all" \
			"${qemu_extra[@]}" </dev/null 2>&1 | tr -d '\r' | tee "$log"
		qrc=${PIPESTATUS[0]}
	fi
	set -e
	local elapsed
	elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')

	if ((qrc == 124 || qrc == 137)); then
		note "guest timed out after ${timeout_s} s (see $log)"
		rc=1
	elif ((qrc != 0)); then
		note "$EMULATOR failed with status $qrc (see $log)"
		rc=1
	fi
	if ! extract_results "$raw" "$results"; then
		rc=1
	fi
	rm -f "$raw"
	local job_rc
	job_rc=$(sed -n 's/^BED-JOB-EXIT \([0-9]*\)$/\1/p' "$log" | tail -n 1)
	if [[ -z $job_rc ]]; then
		note "guest did not report its job's exit status (see $log)"
		rc=3	# the guest never finished: cmd_run may boot once more
	elif ((job_rc != 0)); then
		note "guest job exited with status $job_rc"
		rc=1
	fi
	echo "bed: boot finished in $elapsed s (results in $results)"
	return $rc
}

# --- the VMX bed: Bochs ------------------------------------------------------

BOCHS_BIOS=/usr/share/bochs/BIOS-bochs-latest
BOCHS_VGABIOS=/usr/share/vgabios/vgabios.bin
ISOLINUX_BIN=/usr/lib/ISOLINUX/isolinux.bin
LDLINUX_C32=/usr/lib/syslinux/modules/bios/ldlinux.c32

bochs_tools_present() {
	local what pkg
	for what in bochs:bochs bochs-term:/usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so bochsbios:$BOCHS_BIOS \
		vgabios:$BOCHS_VGABIOS xorriso:xorriso isolinux:$ISOLINUX_BIN syslinux-common:$LDLINUX_C32 \
		bsdutils:script; do
		pkg=${what%%:*}
		what=${what#*:}
		if [[ $what == /* ]]; then
			[[ -e $what ]] && continue
		else
			command -v "$what" >/dev/null && continue
		fi
		die "$what not found (Debian package $pkg, scripts/setup.sh installs it): the VMX bed cannot run"
	done
}

# Boot KERNEL + INITRD in Bochs (no -kernel flag there: an isolinux CD), the
# console on com1 -> LOG, the results port com2 -> RAW. Bochs exits 1 even
# when the guest powers off cleanly, so its status only tells a timeout
# (124/137) from the rest; the serial log is the judge.
boot_bochs() {
	local results=$1 kernel=$2 initrd=$3 append=$4 raw=$5 log=$6 work cpus brc mem_mb line
	work=$(mktemp -d)
	CLEANUP_DIRS+=("$work")
	mkdir -p "$work/iso/isolinux"
	cp "$ISOLINUX_BIN" "$LDLINUX_C32" "$work/iso/isolinux/"
	cp "$kernel" "$work/iso/vmlinuz"
	cp "$initrd" "$work/iso/initrd.gz"
	printf 'default bed\nprompt 0\ntimeout 0\nlabel bed\n  kernel /vmlinuz\n  initrd /initrd.gz\n  append %s\n' \
		"$append" >"$work/iso/isolinux/isolinux.cfg"
	xorriso -as mkisofs -quiet -o "$work/bed.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
		-no-emul-boot -boot-load-size 4 -boot-info-table "$work/iso" >"$work/xorriso.log" 2>&1 ||
		{ cat "$work/xorriso.log" >&2; die "boot: xorriso could not make the boot CD"; }
	rm -rf "$work/iso"
	mem_mb=$(mem_megabytes "$mem")
	cpus=$smp
	((cpus > 1)) && cpus="1:$smp:1"	# one socket, N cores
	: >"$log"
	{
		echo "cpu: model=corei7_skylake_x, count=$cpus, ips=80000000, ignore_bad_msrs=1, reset_on_triple_fault=0"
		echo "memory: guest=$mem_mb, host=$mem_mb"
		echo "romimage: file=$BOCHS_BIOS"
		echo "vgaromimage: file=$BOCHS_VGABIOS"
		echo "display_library: term"
		echo "clock: sync=none, time0=local"
		echo "pci: enabled=1, chipset=i440fx"
		echo "ata0-master: type=cdrom, path=$work/bed.iso, status=inserted"
		echo "boot: cdrom"
		echo "com1: enabled=1, mode=file, dev=$log"
		echo "com2: enabled=1, mode=file, dev=$raw"
		echo "mouse: enabled=0"
		echo "log: $results/bochs.log"
		echo "panic: action=fatal"
		echo "error: action=report"
		echo "info: action=ignore"
		echo "debug: action=ignore"
		for line in "${bochs_extra[@]}"; do echo "$line"; done
	} >"$work/bochsrc"
	cp "$work/bochsrc" "$results/bochsrc"
	# The built-in debugger would stop at its prompt: -rc feeds it "c".
	echo c >"$work/rc"
	# term needs a terminal: script(1) gives it one (no socket, unlike rfb).
	# Bochs ignores SIGTERM, so timeout -k.
	TERM=vt100 timeout --kill-after=10 "$timeout_s" script -qfec \
		"bochs -q -f $work/bochsrc -rc $work/rc" /dev/null </dev/null >"$work/screen" 2>&1 &
	local bpid=$!
	# The console streams to stdout as it comes, like the SVM bed's. A kernel
	# that cannot power off (kernel/boot-check.sh's tinyconfig one: no ACPI
	# tables it can load in Bochs) halts instead, and Bochs would wait for the
	# timeout: stop Bochs (timeout -> script -> bochs) when the guest says so.
	local line pid
	tail -n +1 -f --pid=$bpid "$log" 2>/dev/null | stdbuf -oL tr -d '\r' |
		while IFS= read -r line; do
			printf '%s\n' "$line"
			if [[ $line == *'reboot: System halted'* || $line == *'System halted instead'* ]]; then
				touch "$work/halted"
				for pid in $(pgrep -P "$(pgrep -P $bpid)"); do kill -KILL "$pid"; done
			fi
		done
	wait $bpid
	brc=$?
	if [[ -e $work/halted ]]; then
		note "the guest halted (it cannot power off); Bochs stopped"
		brc=0
	fi
	tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
	# What Bochs itself said (its terminal and its log), when the guest did not finish.
	if ! grep -q '^BED-JOB-EXIT ' "$log"; then
		sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$work/screen" | tr -d '\r' >"$results/bochs-screen.txt"
		note "Bochs ended (status $brc) before the guest finished; it said: $(grep -v '^[[:space:]]*$' "$results/bochs-screen.txt" | tail -n 3 | tr '\n' ' ')$(grep -h '>>PANIC<<' "$results/bochs.log" 2>/dev/null | tail -n 1)"
	fi
	((brc == 124 || brc == 137)) && return $brc
	return 0
}

# 1G, 512M, 2048 -> megabytes.
mem_megabytes() {
	case $1 in
	*[Gg]) echo $((${1%?} * 1024)) ;;
	*[Mm]) echo "${1%?}" ;;
	*[0-9]) echo "$1" ;;
	*) die "boot: --mem $1: not a size (e.g. 1G, 512M)" ;;
	esac
}

# Pull the base64 tar.gz between the markers out of the results port's capture.
extract_results() {
	local raw=$1 results=$2 payload want got
	payload=$(mktemp)
	tr -d '\r' <"$raw" | awk -v b="$RESULTS_BEGIN" -v e="$RESULTS_END" '
		$0 == b {on = 1; next}
		index($0, e) == 1 {print $0 > "/dev/stderr"; on = 0; exit}
		on {print}' >"$payload" 2>"$payload.end"
	if [[ ! -s $payload.end ]]; then
		note "no results block (markers) from the guest"
		rm -f "$payload" "$payload.end"
		return 1
	fi
	want=$(awk '{print $2}' "$payload.end")
	got=$(base64 -d <"$payload" | md5sum | cut -d' ' -f1)
	if [[ $want != "$got" ]]; then
		note "results block damaged in transit (md5 $got, guest said $want)"
		rm -f "$payload" "$payload.end"
		return 1
	fi
	base64 -d <"$payload" | tar -xz -C "$results" || { note "cannot unpack the results"; return 1; }
	rm -f "$payload" "$payload.end"
}

# --- run ----------------------------------------------------------------------

cmd_run() {
	local initrd_args=() boot_args=() initrd=""
	while (($#)); do
		case $1 in
		--script | --add | --add-dyn | --module) initrd_args+=("$1" "$2"); shift 2 ;;
		--no-modules) initrd_args+=("$1"); shift ;;
		--initrd-out) initrd=$2; shift 2 ;;
		--kernel) initrd_args+=("$1" "$2"); boot_args+=("$1" "$2"); shift 2 ;;
		--results | --timeout | --smp | --mem | --append | --log | --qemu-arg | --bochs-line)
			boot_args+=("$1" "$2"); shift 2 ;;
		*) die "run: unknown option $1" ;;
		esac
	done
	local keep=1 rc=0
	if [[ -z $initrd ]]; then
		initrd=$REPO/build/realkvm/initramfs-$$.cpio.gz
		keep=0
	fi
	cmd_initramfs -o "$initrd" "${initrd_args[@]}"
	cmd_boot --initrd "$initrd" "${boot_args[@]}" || rc=$?
	# A guest that never reached the end of its job (no BED-JOB-EXIT line: hung
	# or crashed under TCG; about once in 16 two-CPU boots before cmd_boot's
	# thread=single) is booted once more; a job that ended with a failure is
	# never retried. The retry is said, not hidden.
	if ((rc == 3)); then
		note "the guest did not finish its job; booting it once more (a TCG hang is not a test result)"
		rc=0
		cmd_boot --initrd "$initrd" "${boot_args[@]}" || rc=$?
	fi
	((keep)) || rm -f "$initrd"
	return $rc
}

usage() {
	sed -n '2,16s/^# \{0,1\}//p' "$0"
	exit 2
}

main() {
	local t0 cmd rc=0
	if [[ ${1:-} == --vmx ]]; then
		ISA=vmx
		DEFAULT_MODULES=(kvm-intel)
		EMULATOR=bochs
		shift
	fi
	(($#)) || usage
	cmd=$1
	shift
	t0=$(date +%s)
	case $cmd in
	kernel) cmd_kernel "$@" || rc=$? ;;
	initramfs) cmd_initramfs "$@" || rc=$? ;;
	boot) cmd_boot "$@" || rc=$? ;;
	run) cmd_run "$@" || rc=$? ;;
	extract)
		(($# == 2)) || die "usage: bed.sh extract CAPTURE DIR"
		mkdir -p "$2"
		extract_results "$1" "$2" || rc=1
		;;
	-h | --help | help) usage ;;
	*) die "unknown subcommand $cmd (kernel, initramfs, boot, run, extract)" ;;
	esac
	echo "bed: $cmd took $(($(date +%s) - t0)) s" >&2
	return $rc
}

main "$@"
