# shellcheck shell=bash
# What the memslot checks share (tests/live/bed-check.sh on SVM,
# tests/explain/vmx-bed.sh on VMX): exitgen --layout gives the VM's memslots
# (slot 0, guest RAM; slot 1, the touch steps' pages) and its MMIO page; each
# nested page fault's detail must name the memslot its page is in, or MMIO
# when in none, as live BPF reads them from the VM. Needs assert.sh.

# regions_jq: the jq program. Input: the report (details); $layout: exitgen's
# layout; $known: whether the source knows memslots. One line per NPF / EPT
# violation detail: "KEY|GOT|WANT" (WANT "" where memslots are not known).
regions_jq='
def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 +
	(if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
def hexstr: if . < 16 then "0123456789abcdef"[.:. + 1]
	else ((. / 16 | floor) | hexstr) + ("0123456789abcdef"[(. % 16):(. % 16 + 1)]) end;
.details[] | select(.reason == "npf" or .reason == "EPT_VIOLATION") |
	(.key | split(" ")[1]) as $page |
	select($page != "?") | ($page | hex) as $p |
	([$layout.memslots[] | select(($p >= (.gpa | hex)) and ($p < (.gpa | hex) + (.size | hex)))] | first) as $s |
	(if ($known | not) then ""
	 elif $s then "memslot \($s.slot) (0x\($s.gpa | hex | hexstr)-0x\(($s.gpa | hex) + ($s.size | hex) - 1 | hexstr))"
	 else "MMIO (no memslot)" end) as $want |
	"\(.key)|\(.name)|\($want)"'

# regions_check NAME JSON LAYOUT KNOWN(true|false): every nested page fault's page
# named by its memslot (exitgen's layout; MMIO in none), or, where the source
# cannot know memslots, by nothing; and the touch pages and the MMIO page among them
regions_check() {
	local name=$1 j=$2 layout=$3 known=$4 rows bad_rows touch mmio
	rows=$(jq -r --slurpfile l "$layout" --argjson known "$known" \
		"\$l[0] as \$layout | $regions_jq" "$j") || { bad "$name: the memslot check's jq failed"; return; }
	bad_rows=$(awk -F'|' '$2 != $3' <<<"$rows")
	touch=$(awk -F'|' '$2 ~ /^memslot 1 /' <<<"$rows" | wc -l)
	mmio=$(awk -F'|' '$2 == "MMIO (no memslot)"' <<<"$rows" | wc -l)
	if [[ -z $rows ]]; then
		bad "$name: no nested page fault with a page"
	elif [[ -n $bad_rows ]]; then
		bad "$name: pages whose memslot is not exitgen's (key|got|want): $(head -n 4 <<<"$bad_rows" | tr '\n' ';')"
	elif [[ $known == true ]]; then
		ok "$name: each of $(wc -l <<<"$rows") nested page faults' pages named by exitgen's memslot ($touch in slot 1, the touch pages; $mmio MMIO, in none)"
	else
		ok "$name: no memslot named where the source cannot know them ($(wc -l <<<"$rows") pages)"
	fi
}

# touch_pages NAME JSON LAYOUT: each page the touch steps write (exitgen's layout) has
# exactly one nested page fault, a write
touch_pages() {
	local name=$1 j=$2 layout=$3 got="" want="" first n i k
	while read -r first n; do
		for ((i = 0; i < n; i++)); do
			k=$(printf 'gpa %#x write' $((first + i * 4096)))
			got+="$(jq --arg k "$k" '[.details[] | select((.reason == "npf" or .reason == "EPT_VIOLATION") and .key == $k) | .count] | add // 0' "$j") "
			want+="1 "
		done
	done < <(jq -r '.vcpus[].steps[] | select(.op == "touch") | "\(.first_page) \(.n)"' "$layout")
	if [[ -z $want ]]; then
		bad "$name: the layout has no touch step"
	else
		equal "$name: each touched page's nested page faults (one each, $(wc -w <<<"$want") pages)" "$got" "$want"
	fi
}
