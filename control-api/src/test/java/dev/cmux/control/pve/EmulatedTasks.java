package dev.cmux.control.pve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * PVE's worker tasks: a UPID at once, the work done after {@link #duration(Duration)}, then status {@code stopped}
 * with exit status {@code OK} or the error, and a log ending in {@code TASK OK} / {@code TASK ERROR: …}. Task
 * bodies run under the cluster's monitor, like everything that touches container state.
 */
final class EmulatedTasks {

    /** The end of a task: returns its error, or null for OK. */
    interface Body {
        String run(Task task);
    }

    static final class Task {
        final String upid;
        final String type;
        /** The node that forked the worker: its UPID names it, and only it knows the task (pve-api.md §4). */
        final String node;
        String status = "running";
        String exitStatus;
        /** An error armed by a test: bodies that undo their work check it first; for others the task just fails. */
        String failure;
        final List<String> log = new ArrayList<>();

        Task(String upid, String type, String node) {
            this.upid = upid;
            this.type = type;
            this.node = node;
        }
    }

    private final EmulatedNodes nodes;
    private final ScheduledExecutorService scheduler;
    private final Object monitor;
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final AtomicInteger pid = new AtomicInteger(0x1000);
    private volatile Duration duration = Duration.ofMillis(120);
    /** Task type → its own duration (a VM's resume takes ms, its start seconds); others take {@link #duration}. */
    private final Map<String, Duration> durations = new java.util.concurrent.ConcurrentHashMap<>();
    /** Task type → the error its next task ends with, after the checks that precede the work have passed. */
    private final Map<String, String> failNext = new LinkedHashMap<>();
    /** Task type → the ends of its tasks that wait for {@link #release}. */
    private final Map<String, List<Runnable>> held = new LinkedHashMap<>();

    EmulatedTasks(EmulatedNodes nodes, ScheduledExecutorService scheduler, Object monitor) {
        this.nodes = nodes;
        this.scheduler = scheduler;
        this.monitor = monitor;
    }

    void duration(Duration d) {
        duration = d;
    }

    void duration(String type, Duration d) {
        durations.put(type, d);
    }

    /**
     * Tasks of {@code type} started from now on stay running until {@link #release}: a test looks at what a task
     * leaves while it runs (a lock, a stopped guest) without racing its duration.
     */
    void hold(String type) {
        synchronized (monitor) {
            held.put(type, new ArrayList<>());
        }
    }

    /** Lets the held tasks of {@code type} finish now, and later ones after their duration again. */
    void release(String type) {
        synchronized (monitor) {
            List<Runnable> waiting = held.remove(type);
            if (waiting != null) {
                waiting.forEach(scheduler::execute);
            }
        }
    }

    /** The next task of {@code type} (e.g. {@code vzclone}, {@code resize}) fails with {@code error}. */
    void failNext(String type, String error) {
        synchronized (monitor) {
            failNext.put(type, error);
        }
    }

    String start(String type, int id, Body body) {
        synchronized (monitor) {

            long start = System.currentTimeMillis() / 1000;
            String node = nodes.here();
            String upid = String.format("UPID:%s:%08X:%08X:%08X:%s:%d:root@pam!cmux:", node, pid.incrementAndGet(),
                    0x0A1B2C3D, start, type, id);
            Task task = new Task(upid, type, node);
            task.failure = failNext.remove(type);
            task.log.add("starting " + type + " for " + id);
            tasks.put(upid, task);
            if (held.containsKey(type)) {
                held.get(type).add(() -> finish(task, body));
            } else {
                scheduler.schedule(() -> finish(task, body), durations.getOrDefault(type, duration).toMillis(),
                        TimeUnit.MILLISECONDS);
            }
            return upid;
        }
    }

    /** Runs the body as the task's node: the guests it looks up are those of that node. */
    private void finish(Task task, Body body) {
        synchronized (monitor) {
            String error;
            try {
                error = nodes.on(task.node, () -> body.run(task));
                if (error == null) {
                    error = task.failure;
                }
            } catch (PveHttpError e) {
                error = e.getMessage();
            }
            task.log.add(error == null ? "TASK OK" : "TASK ERROR: " + error);
            task.exitStatus = error == null ? "OK" : error.replace('\n', ' ');
            task.status = "stopped";
        }
    }

    /**
     * {@code GET /nodes/{node}/tasks} with {@code vmid}, {@code typefilter} and {@code source} (pve-api.md §4 "Tasks:
     * list"): {@code archive} (the default) lists finished tasks only, {@code active} running ones, {@code all} both;
     * {@code status} is the exit text, or {@code RUNNING}. Newest first, with the top-level {@code total}.
     */
    Endpoints.WithTotal list(Map<String, String> p) {
        synchronized (monitor) {
            String source = p.getOrDefault("source", "archive");
            List<Map<String, Object>> out = new ArrayList<>();
            for (Task t : tasks.values()) {
                Upid upid = Upid.parse(t.upid);
                boolean running = t.exitStatus == null;
                if (!t.node.equals(nodes.here()) || (source.equals("archive") && running)
                        || (source.equals("active") && !running)
                        || (p.containsKey("vmid") && !p.get("vmid").equals(upid.id()))
                        || (p.containsKey("typefilter") && !p.get("typefilter").equals(t.type))) {
                    continue;
                }
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("upid", t.upid);
                item.put("node", t.node);
                item.put("type", t.type);
                item.put("id", upid.id());
                item.put("user", "root@pam");
                item.put("tokenid", "cmux");
                item.put("status", running ? "RUNNING" : t.exitStatus);
                out.add(0, item);
            }
            return new Endpoints.WithTotal(out, out.size());
        }
    }

    /** The exit status of the newest task of {@code type}: null while it runs or when there is none. */
    String lastExitStatus(String type) {
        synchronized (monitor) {
            Task last = null;
            for (Task t : tasks.values()) {
                if (t.type.equals(type)) {
                    last = t;
                }
            }
            return last == null ? null : last.exitStatus;
        }
    }

    private Task find(String upid) {
        Task task = tasks.get(upid);
        if (task == null || !task.node.equals(nodes.here())) {
            throw new PveHttpError(400, "Parameter verification failed.", Map.of("upid", "no such task"));
        }
        return task;
    }

    Map<String, Object> status(String upid) {
        synchronized (monitor) {
            Task task = find(upid);
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("upid", upid);
            s.put("node", task.node);
            s.put("type", task.type);
            s.put("id", Upid.parse(upid).id());
            s.put("user", "root@pam");
            s.put("tokenid", "cmux");
            s.put("status", task.status);
            if (task.exitStatus != null) {
                s.put("exitstatus", task.exitStatus);
            }
            return s;
        }
    }

    /** Lines {@code start..start+limit} and the total line count, as {@code GET …/log} answers. */
    Endpoints.WithTotal log(String upid, int start, int limit) {
        synchronized (monitor) {
            Task task = find(upid);
            List<Map<String, Object>> lines = new ArrayList<>();
            for (int i = start; i < task.log.size() && lines.size() < limit; i++) {
                lines.add(Map.of("n", i + 1, "t", task.log.get(i)));
            }
            return new Endpoints.WithTotal(lines, task.log.size());
        }
    }
}
