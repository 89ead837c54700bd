# Reading the kernel's own count: a tracefs hist trigger on kvm:kvm_exit keyed
# by vcpu_id,exit_reason (bed_hist_start/stop in guest/lib.sh), whose rows look
# like `{ vcpu_id: 0, exit_reason: 123 } hitcount: 500`. Sourced by the host-side
# checks and fixture scripts, so one parser reads it everywhere.

# "vcpu code count" per row, in file order.
hist_vcpu_rows() {
	awk '/^\{ *vcpu_id:/ {
		gsub(/[{},:]/, " ")
		for (i = 1; i < NF; i++) {
			if ($i == "vcpu_id") v = $(i + 1)
			if ($i == "exit_reason") r = $(i + 1)
			if ($i == "hitcount") n = $(i + 1)
		}
		print v, r, n
	}' "$1"
}

# "code count" per exit code, summed over vCPUs, sorted by code.
hist_by_reason() {
	hist_vcpu_rows "$1" | awk '{ c[$2] += $3 } END { for (r in c) print r, c[r] }' | sort -n
}

# All exits of the table.
hist_total() { hist_vcpu_rows "$1" | awk '{n += $3} END {print n + 0}'; }

# The table's "Dropped:" count (entries the trigger had no room for), or "missing".
hist_dropped() { awk '/Dropped:/ {print $2; f = 1} END {if (!f) print "missing"}' "$1"; }

# hist_rows FILE KEY...: any hist table's rows as "KEY-VALUE... hitcount", the
# values of the named keys in that order (decimal, as the table prints them),
# e.g. hist_rows msr-hist.txt ecx write common_flags -> "2096 1 1 7000".
hist_rows() {
	local file=$1
	shift
	awk -v keys="$*" 'BEGIN { nk = split(keys, k, " ") }
		/^\{ / {
		gsub(/[{},:]/, " ")
		delete v
		for (i = 1; i < NF; i++) v[$i] = $(i + 1)
		line = ""
		for (j = 1; j <= nk; j++) line = line v[k[j]] " "
		print line v["hitcount"]
	}' "$file"
}
