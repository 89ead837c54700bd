#!/usr/bin/env bash
# Make the worked example of docs/analysis.md: a real Linux guest booting under
# the real-KVM bed's KVM, recorded by exitstat, analysed and plotted.
#   bash tests/analyze/boot-example.sh   (~2 min; needs `make static`)
# Leaves build/tests/analyze-boot/ (recording, kernel hist, consoles) and
# writes docs/analysis-boot.{txt,svg}.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
OUT=$BUILD/tests/analyze-boot
mkdir -p "$OUT"
# REUSE=1: analyse the last run's recording again without booting.
if [[ ${REUSE:-0} != 1 ]]; then
	K=$(bash tests/realkvm/bed.sh kernel)
	V=$K/root/boot/vmlinuz-$(basename "$K")
	bash tests/realkvm/bed.sh initramfs -o "$OUT/inner.cpio.gz" --no-modules \
		--script tests/analyze/boot-inner-job.sh
	bash tests/realkvm/bed.sh run --script tests/analyze/boot-outer-job.sh --mem 2G --timeout 1200 \
		--results "$OUT/run" --add-dyn /usr/bin/qemu-system-x86_64 --add /usr/share/qemu \
		--add /usr/share/seabios --add "$V:/boot/vmlinuz" \
		--add "$OUT/inner.cpio.gz:/boot/inner.cpio.gz"
fi
"$BUILD/exitstat" report --analyze "$OUT/run/boot.exr" | tee docs/analysis-boot.txt
"$BUILD/exitstat" report --analyze --format json "$OUT/run/boot.exr" >"$OUT/analysis.json"
"$BUILD/exitstat" plot "$OUT/run/boot.exr" -o docs/analysis-boot.svg \
	--title "A Linux guest booting under KVM (SVM), recorded by exitstat record"
xmllint --noout docs/analysis-boot.svg
cat "$OUT/run/hist.txt"
