package dev.cmux.control.exec;

import java.util.Optional;

/**
 * Runs a command in a sandbox: through cmux-execd when it takes the command, else through {@code pct exec} on the
 * host when {@code pct} is there. The fallback is taken only when execd never started the command; once it did,
 * its outcome is final, whatever it is.
 */
public final class ExecService {

    /** Per stream: a result is a JSON document in memory, and 1 MiB is plenty for a command's answer. */
    public static final int DEFAULT_OUTPUT_CAP = 1024 * 1024;

    private final ExecdClient execd;
    private final Optional<PctExec> pct;
    private final int outputCap;
    private final Optional<AgentExec> agent;

    public ExecService(ExecdClient execd, Optional<PctExec> pct, int outputCap) {
        this(execd, pct, outputCap, Optional.empty());
    }

    /** @param agent runs commands in VMs through their QEMU guest agent; empty without PVE */
    public ExecService(ExecdClient execd, Optional<PctExec> pct, int outputCap, Optional<AgentExec> agent) {
        this.execd = execd;
        this.pct = pct;
        this.outputCap = outputCap;
        this.agent = agent;
    }

    public boolean hasPct() {
        return pct.isPresent();
    }

    /**
     * Runs {@code exec} in container {@code vmid} whose address is {@code address} (null when unknown: pct only).
     * Events reach {@code listener} as they happen. Throws {@link ExecFailedException} when neither way could run
     * the command or its outcome is unknown.
     */
    public ExecResult exec(int vmid, String address, ExecRequest exec, ExecListener listener) {
        String execdProblem = "the sandbox has no address";
        if (address != null) {
            try {
                return execd.exec(address, exec, new OutputCollector(outputCap, listener));
            } catch (ExecdUnavailableException e) {
                execdProblem = e.getMessage();
            }
        }
        if (pct.isEmpty()) {
            throw new ExecFailedException(execdProblem + ", and pct is not available on this host");
        }
        return pct.get().exec(vmid, exec, new OutputCollector(outputCap, listener));
    }

    /**
     * Runs {@code exec} in VM {@code vmid} on {@code node}: through execd when it takes the command (never with stdin:
     * execd has none), else through the guest agent ({@code via: "agent"}).
     */
    public ExecResult execInVm(int vmid, String node, String address, ExecRequest exec, ExecListener listener) {
        String execdProblem = "the VM has no address";
        if (address != null && exec.stdin() == null) {
            try {
                return execd.exec(address, exec, new OutputCollector(outputCap, listener));
            } catch (ExecdUnavailableException e) {
                execdProblem = e.getMessage();
            }
        }
        if (agent.isEmpty()) {
            throw new ExecFailedException(execdProblem + ", and the guest agent cannot be asked without PVE");
        }
        return agent.get().exec(node, vmid, exec, new OutputCollector(outputCap, listener));
    }
}
