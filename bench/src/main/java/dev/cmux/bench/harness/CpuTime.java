package dev.cmux.bench.harness;

/** CPU a process used so far, in clock ticks, split into user space and the kernel ({@code utime}, {@code stime}). */
record CpuTime(long userTicks, long systemTicks) {

    static final CpuTime ZERO = new CpuTime(0, 0);

    /**
     * Reads a {@code /proc/<pid>/stat} line. The command name in brackets may hold spaces and brackets of its own,
     * so the fields are counted from the last {@code ") "}: {@code utime} and {@code stime} are fields 14 and 15.
     */
    static CpuTime parseStat(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(") ") + 2).trim().split(" +");
        // fields[0] is field 3 (the state)
        return new CpuTime(Long.parseLong(fields[11]), Long.parseLong(fields[12]));
    }

    CpuTime plus(CpuTime other) {
        return new CpuTime(userTicks + other.userTicks, systemTicks + other.systemTicks);
    }

    CpuTime since(CpuTime earlier) {
        return new CpuTime(userTicks - earlier.userTicks, systemTicks - earlier.systemTicks);
    }
}
