# SPDX-License-Identifier: GPL-2.0
#
# The "ktest:" reports of both guests, sourced by the busybox guest's init
# (scripts/guest/init) and by the Debian guest's agent
# (scripts/guest/debian/ktest-agent); scripts/ktest.py reads them.  Each
# goes through /dev/kmsg as one record, so kernel messages can never
# split it on the console.  The sourcing script keeps gen (this
# generation) and failures (0 to start with).

exec 3>/dev/kmsg
say() { echo "ktest: $*" >&3; }
ok() { say "ok g$gen $*"; }
not_ok() { say "not ok g$gen $*"; failures=$((failures + 1)); }
# expect WHAT COMMAND...: one check, reported either way
expect() {
	what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# KiB of System RAM in /proc/iomem.
system_ram_kib() {
	total=0
	for range in $(sed -n 's/^\([0-9a-f]*-[0-9a-f]*\) : System RAM$/\1/p' /proc/iomem); do
		total=$((total + 0x${range#*-} - 0x${range%-*} + 1))
	done
	echo $((total >> 10))
}

# say_init VIA SCENARIO: this generation reached user space.  cpus are
# the online CPUs, ram the System RAM, mem MemTotal in KiB; the judge
# compares them with the first generation's.
say_init() {
	say "init gen=$gen via=$1 scenario=$2 kernel=$(uname -r)" \
		"cpus=$(grep -c ^processor /proc/cpuinfo) ram=$(system_ram_kib)" \
		"mem=$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo)" \
		"uptime=$(cut -d' ' -f1 /proc/uptime)"
}
