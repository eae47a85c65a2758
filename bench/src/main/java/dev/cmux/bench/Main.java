package dev.cmux.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.bench.backend.BenchBackend;
import dev.cmux.bench.backend.FixedResponses;
import dev.cmux.bench.harness.Harness;
import dev.cmux.bench.load.HttpLoad;
import dev.cmux.bench.load.IdleWebSockets;
import dev.cmux.bench.load.LoadResult;
import dev.cmux.bench.load.RequestTemplate;
import dev.cmux.bench.load.Target;
import dev.cmux.bench.load.WebSocketLoad;
import dev.cmux.bench.report.ProfileSummary;
import dev.cmux.bench.report.Report;
import dev.cmux.bench.report.SoakReport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar cmux-bench.jar <command> --name value ...}; see bench/README.md for every command. */
public final class Main {

    private static final String USAGE = """
            usage: java -jar cmux-bench.jar <command> [--name value ...]
              http     closed-loop keep-alive GETs      --target H:P [--host HOST] [--path /19b] [--connections 32]
                                                        [--body 0] (a size > 0 POSTs that many bytes)
                                                        [--warmup 1] [--duration 10] [--threads 1]
              rate     open-loop constant rate GETs     same as http plus --rate N (requests/s, all connections)
              ws       WebSocket echo throughput        --target H:P [--host HOST] [--size 128] [--connections 32]
                                                        [--warmup 1] [--duration 10] [--threads 1]
              idle     hold N verified WebSockets       --target H:P [--host HOST] [--connections 10000]
                                                        [--parallel 256] [--open-timeout 120] [--hold 10]
                                                        [--ready-file F] [--threads 1] [--every 0] (seconds
                                                        between a message and its echo on each socket, held)
              backend  HTTP /19b /64k /10m + WS echo    [--port 0] [--threads 1]   (runs until killed)
              files    write 19b 64k 10m for nginx      --dir DIR
              harness  the side-by-side run of run.sh   (run.sh passes the processes it started; see bench/README.md)
              report   medians, ratios, charts          --in RAW.jsonl --out-dir DIR --name NAME
              profile  top frames of a JFR file         --jfr FILE --out FILE.md [--top 15]
              soak-report  the soak's verdict and chart --rss rss.csv --results a.json,b.json --log gateway.log
                                                        --out DIR --name NAME [--settle 300]
              jmh      the JMH microbenchmarks          [JMH options, e.g. -f 1 -wi 3 -i 5]
              vm-wake  wake-on-HTTP of sleeping VMs     --gateway-jar JAR [--mode full|smoke] [--rounds 5]
                                                        [--out DIR] [--name NAME] [--work DIR]
                       (the gateway jar as a process, PVE emulated; writes NAME-vm-wake.md)
            Every --tag.NAME VALUE is copied into the printed result (the harness labels runs with it).""";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println(USAGE);
            System.exit(2);
        }
        String command = args[0];
        if (command.equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Options o = new Options(args, 1);
        switch (command) {
            case "http", "rate" -> print(o, new HttpLoad(target(o), new RequestTemplate(o.string("path", "/19b"),
                    o.size("body", "0")),
                    o.integer("connections", 32), command.equals("rate") ? o.integer("rate", 1000) : 0,
                    o.seconds("warmup", 1).toNanos(), o.seconds("duration", 10).toNanos(),
                    o.integer("threads", 1)).run());
            case "ws" -> print(o, new WebSocketLoad(target(o), o.integer("connections", 32), o.size("size", "128"),
                    o.seconds("warmup", 1).toNanos(), o.seconds("duration", 10).toNanos(),
                    o.integer("threads", 1)).run());
            case "idle" -> {
                String ready = o.string("ready-file", null);
                print(o, new IdleWebSockets(target(o), o.integer("connections", 10_000), o.integer("parallel", 256),
                        o.seconds("open-timeout", 120).toNanos(), o.seconds("hold", 10).toNanos(),
                        ready == null ? null : Path.of(ready), o.integer("threads", 1),
                        o.seconds("every", 0).toNanos()).run());
            }
            case "backend" -> serveBackend(o);
            case "files" -> writeFiles(Path.of(o.string("dir", ".")));
            case "profile" -> ProfileSummary.write(Path.of(o.string("jfr", "gateway.jfr")),
                    Path.of(o.string("out", "profile.md")), o.integer("top", 15));
            case "harness" -> System.exit(Harness.run(o));
            case "soak-report" -> System.exit(SoakReport.write(Path.of(o.string("rss", "rss.csv")),
                    List.of(o.string("results", "").split(",")), Path.of(o.string("log", "gateway.log")),
                    Path.of(o.string("out", ".")), o.string("name", "soak"), o.seconds("settle", 300).toSeconds()));
            case "vm-wake" -> System.exit(dev.cmux.bench.wake.VmWakeBench.run(o));
            case "report" -> new Report(Path.of(o.string("in", "raw.jsonl")), Path.of(o.string("out-dir", ".")),
                    o.string("name", "results")).write();
            default -> {
                System.err.println(USAGE);
                System.exit(2);
            }
        }
    }

    private static Target target(Options o) {
        return Target.parse(o.string("target", "127.0.0.1:8080"), o.string("host", null));
    }

    /** One JSON line on stdout; a run that counted nothing or saw errors exits 1 so a script notices. */
    private static void print(Options o, LoadResult result) throws Exception {
        for (Map.Entry<String, String> tag : o.prefixed("tag.").entrySet()) {
            result.with(tag.getKey(), tag.getValue());
        }
        System.out.println(new ObjectMapper().writeValueAsString(result.fields()));
        System.out.flush();
        System.exit(result.errors() == 0 && result.count() > 0 ? 0 : 1);
    }

    private static void serveBackend(Options o) throws InterruptedException {
        BenchBackend backend = BenchBackend.start(o.integer("port", 0), o.integer("threads", 1));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            backend.close();
            stopped.countDown();
        }));
        System.out.println("backend listening on 127.0.0.1:" + backend.port());
        System.out.flush();
        stopped.await();
    }

    private static void writeFiles(Path dir) throws Exception {
        Files.createDirectories(dir);
        for (Map.Entry<String, Integer> e : FixedResponses.SIZES.entrySet()) {
            Files.write(dir.resolve(e.getKey().substring(1)), FixedResponses.content(e.getValue()));
        }
    }
}
