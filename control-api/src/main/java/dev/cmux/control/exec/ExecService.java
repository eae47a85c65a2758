package dev.cmux.control.exec;

import java.util.Optional;

/**
 * Runs a command in a sandbox: through cmux-execd when it takes the command, else through {@code pct exec} on the
 * host when {@code pct} is there and the container is on this host's node, or through the QEMU guest agent (a VM,
 * on any node: PVE forwards the call). The fallback is taken only when execd never started the command; once it
 * did, its outcome is final, whatever it is, and so is a refused token.
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
     * Runs {@code exec} in {@code target}: through execd when it takes the command (never with stdin, which execd
     * has none of), else a container's through {@code pct} and a VM's through its guest agent ({@code via: "agent"}).
     * Events reach {@code listener} as they happen. Throws {@link ExecFailedException} when no way could run the
     * command or its outcome is unknown, and {@link ExecdRefusedException} when execd refused the sandbox's token.
     */
    public ExecResult exec(ExecTarget target, ExecRequest exec, ExecListener listener) {
        String execdProblem = target.vm() ? "the VM has no address" : "the sandbox has no address";
        if (target.address() != null && exec.stdin() == null) {
            try {
                return execd.exec(target.address(), target.token(), exec, new OutputCollector(outputCap, listener));
            } catch (ExecdUnavailableException e) {
                execdProblem = e.getMessage();
            }
        }
        if (target.vm()) {
            if (agent.isEmpty()) {
                throw new ExecFailedException(execdProblem + ", and the guest agent cannot be asked without PVE");
            }
            return agent.get().exec(target.node(), target.vmid(), exec, new OutputCollector(outputCap, listener));
        }
        if (pct.isEmpty()) {
            throw new ExecFailedException(execdProblem + ", and pct is not available on this host");
        }
        if (!pct.get().reaches(target.node())) {
            throw new ExecFailedException(execdProblem + ", and pct reaches only the containers of this host's node "
                    + pct.get().node() + ": sandbox " + target.vmid() + " runs on node " + target.node());
        }
        return pct.get().exec(target.vmid(), exec, new OutputCollector(outputCap, listener));
    }
}
