package dev.cmux.bench.harness;

import dev.cmux.bench.load.Target;

import java.util.Optional;

/**
 * One target of the comparison: a proxy listening on {@code port}, whose process tree is measured, or
 * {@code direct}, the backend itself without a proxy (the ceiling), which has no process of its own to measure.
 */
record TargetUnderTest(String name, int port, Optional<ProcessTree> process) {

    static final String DIRECT = "direct";

    static TargetUnderTest direct() {
        return new TargetUnderTest(DIRECT, 0, Optional.empty());
    }

    static TargetUnderTest proxy(String name, int port, long pid) {
        return new TargetUnderTest(name, port, Optional.of(new ProcessTree(pid)));
    }

    /** Where the load for a backend port goes: through a proxy, with the sandbox host that names that port. */
    Target route(int backendPort) {
        String backend = "127.0.0.1:" + backendPort;
        return name.equals(DIRECT) ? Target.parse(backend, backend)
                : Target.parse("127.0.0.1:" + port, "port-" + backendPort + "-vm-200.bench.test");
    }

    CpuTime cpu() {
        return process.map(ProcessTree::cpu).orElse(CpuTime.ZERO);
    }
}
