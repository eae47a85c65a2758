package dev.cmux.control.cloudflare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * The Cloudflare emulator as a process, for checks that run the installed package rather than a test JVM
 * ({@code .ci/deb-check}): one site with Access enabled. It writes the environment the gateway needs
 * ({@code CF_API_URL}, {@code CF_API_TOKEN}, {@code CF_ACCOUNT_ID}, {@code CF_DOMAIN}) to a file, serves until it is
 * terminated, and then writes every request that broke Cloudflare's schema to {@code <file>.violations} (empty when
 * none), which the check reads.
 *
 * <pre>java -cp control-api-tests.jar:cmux-gateway.jar dev.cmux.control.cloudflare.CloudflareEmulatorMain example.com myteam /tmp/cf.env</pre>
 */
public final class CloudflareEmulatorMain {

    private CloudflareEmulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: CloudflareEmulatorMain DOMAIN ACCESS_TEAM ENV_FILE");
            System.exit(2);
        }
        String domain = args[0];
        Path envFile = Path.of(args[2]);
        CloudflareEmulator emulator = CloudflareEmulator.start();
        CloudflareEmulator.Site site = emulator.seedSite(domain);
        emulator.enableAccess(site.accountId(), args[1]);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                write(Path.of(envFile + ".violations"), String.join("\n", emulator.violations()));
            } catch (IOException e) {
                System.err.println("cannot write the violations: " + e.getMessage());
            } finally {
                emulator.close();
                stopped.countDown();
            }
        }));
        write(envFile, "CF_API_URL=" + emulator.url() + "\nCF_API_TOKEN=" + site.token() + "\nCF_ACCOUNT_ID="
                + site.accountId() + "\nCF_DOMAIN=" + domain + "\n");
        stopped.await();
    }

    /** Temp file, then rename: the check waits for the file and must never read half of it. */
    private static void write(Path file, String content) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
