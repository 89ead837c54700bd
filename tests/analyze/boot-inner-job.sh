#!/bin/sh
# The inner guest's work once it has booted (docs/analysis.md, worked
# example): a stretch of console output (I/O exits on the serial port), then
# a quiet stretch (the vCPU halts between timer ticks), then it shuts down
# (its init then prints its results block on the console: I/O again). The
# console drains at the speed of the exits (~300 us each here), so the quiet
# stretch starts some seconds after the loop ends.
i=0
while [ $i -lt 100 ]; do
	echo "inner: console line $i of 100"
	i=$((i + 1))
done
sleep 12
echo "inner: done"
