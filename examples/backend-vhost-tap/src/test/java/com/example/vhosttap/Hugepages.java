package com.example.vhosttap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.userspacecni.testkit.HostCommand;
import org.userspacecni.testkit.OvsSandbox;

/**
 * A hugetlbfs of a test's own, on the pages scripts/test reserved: the hugepage directory the forwarders run
 * on, so that what they leave (processes, files) is told apart from anything else on the machine. Closing it
 * kills what still runs on it and fails the test if anything did.
 */
final class Hugepages implements AutoCloseable {

    /** Enough for the TCK's eight forwarders at once (each takes 20 MiB of its 32 MiB limit) and an application. */
    private static final String RESERVED = "256M";

    private final Path dir;

    private Hugepages(Path dir) {
        this.dir = dir;
    }

    /** Mounts one at {@code dir}; fails loudly when the tests do not run where pages were reserved. */
    static Hugepages mount(Path dir) {
        String reserved = System.getenv(OvsSandbox.HUGEPAGES_VARIABLE);
        if (reserved == null || !Files.isDirectory(Path.of(reserved))) {
            throw new IllegalStateException(OvsSandbox.HUGEPAGES_VARIABLE + " does not name a hugetlbfs mount: these"
                    + " tests run DPDK on hugepages; run them through scripts/test, which reserves and mounts them");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Hugepages hugepages = new Hugepages(dir);
        hugepages.remount();
        return hugepages;
    }

    Path dir() {
        return dir;
    }

    /** Unmounts it, leaving a plain directory: a node whose hugepages are not mounted. */
    void unmount() {
        HostCommand.run("umount", dir.toString());
    }

    /** Mounts it again; {@code min_size} holds its pages for it while it is mounted, whatever else runs here. */
    void remount() {
        HostCommand.run("mount", "-t", "hugetlbfs", "-o", "pagesize=2M,min_size=" + RESERVED, "none", dir.toString());
    }

    boolean mounted() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(line -> line.split(" "))
                    .anyMatch(fields -> fields[1].equals(dir.toString()) && fields[2].equals("hugetlbfs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files on it now. */
    List<Path> files() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The live processes running DPDK on it, by the {@code --huge-dir} of their command line. */
    List<Long> processes() {
        String argument = "--huge-dir=" + dir;
        try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
            return proc.filter(p -> p.getFileName().toString().matches("[0-9]+"))
                    .filter(p -> arguments(p).contains(argument))
                    .map(p -> Long.parseLong(p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        List<Long> left = processes();
        left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        for (Long pid : left) {
            ProcessHandle.of(pid).ifPresent(process -> process.onExit().join());
        }
        if (mounted()) {
            unmount();
        }
        if (!left.isEmpty()) {
            throw new AssertionError("forwarders still running on " + dir + " at the end, killed: " + left);
        }
    }

    private static List<String> arguments(Path process) {
        try {
            return Arrays.asList(new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
                    .split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }
}
