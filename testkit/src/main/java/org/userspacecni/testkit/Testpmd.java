package org.userspacecni.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DPDK application for tests: {@code dpdk-testpmd} in a network namespace, on the {@code --vdev} arguments it
 * is given (what {@code usrsp-agent eal-args} prints), in one forwarding mode, printing its port statistics every
 * second to its log, which {@link #txPackets()} and {@link #rxPackets()} read. It runs without hugepages
 * ({@code --no-huge -m 256}: DPDK 22.11's memif and virtio-user work on that memory) and without shared
 * configuration, its main and forwarding lcores both on one CPU. {@link #close()} stops it by its pid (SIGINT,
 * as at a terminal, so it closes its ports) and removes the runtime directory DPDK leaves behind.
 */
public final class Testpmd implements AutoCloseable {

    private static final Pattern TX_PACKETS = Pattern.compile("TX-packets:\\s+(\\d+)");
    private static final Pattern RX_PACKETS = Pattern.compile("RX-packets:\\s+(\\d+)");

    private final Process process;
    private final String filePrefix;
    private final Path log;

    private Testpmd(Process process, String filePrefix, Path log) {
        this.process = process;
        this.filePrefix = filePrefix;
        this.log = log;
    }

    /**
     * Starts testpmd in {@code netns} on {@code cpu} with the EAL device arguments {@code vdevs} (each a
     * {@code --vdev=...}), forwarding in {@code forwardMode} ({@code txonly}, {@code rxonly}, {@code io}, ...)
     * plus any further testpmd {@code options}; its screen goes to {@code log}.
     */
    public static Testpmd start(NetworkNamespace netns, int cpu, List<String> vdevs, String forwardMode, Path log,
            String... options) {
        String filePrefix = "usrsp-testpmd-" + UUID.randomUUID();
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns.name(), "dpdk-testpmd",
                "--lcores=(0,1)@" + cpu, "--no-huge", "-m", "256", "--no-pci", "--no-shconf", "--no-telemetry",
                "--file-prefix=" + filePrefix));
        command.addAll(vdevs);
        command.addAll(List.of("--", "--forward-mode=" + forwardMode, "--stats-period=1", "--total-num-mbufs=4096"));
        command.addAll(List.of(options));
        try {
            // ip netns exec enters the namespace and execs testpmd: the pid is testpmd's.
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            return new Testpmd(process, filePrefix, log);
        } catch (IOException e) {
            DpdkRuntime.remove(filePrefix);
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The most packets port 0 has sent, as testpmd last printed; empty before its first statistics. */
    public Optional<Long> txPackets() {
        return largest(TX_PACKETS);
    }

    /** The most packets port 0 has received, as testpmd last printed; empty before its first statistics. */
    public Optional<Long> rxPackets() {
        return largest(RX_PACKETS);
    }

    /** What testpmd printed so far: ASCII with terminal escapes, read byte for byte. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                signalInterrupt();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(30, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (!process.isAlive()) {
                DpdkRuntime.remove(filePrefix);
            }
        }
    }

    private void signalInterrupt() {
        try {
            HostCommand.run("kill", "-INT", Long.toString(process.pid()));
        } catch (IllegalStateException e) {
            if (process.isAlive()) {
                throw e;
            }
        }
    }

    /** Counters only grow, and testpmd prints port 0 alone: the largest figure is the latest. */
    private Optional<Long> largest(Pattern counter) {
        Matcher matcher = counter.matcher(log());
        Optional<Long> largest = Optional.empty();
        while (matcher.find()) {
            long count = Long.parseLong(matcher.group(1));
            largest = Optional.of(Math.max(count, largest.orElse(0L)));
        }
        return largest;
    }
}
