package com.example.vhosttap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/** A network device of the host, seen through {@code /sys/class/net} and changed with iproute2's {@code ip}. */
record TapDevice(String name) {

    private static final Path DEVICES = Path.of("/sys/class/net");

    boolean exists() {
        return Files.exists(DEVICES.resolve(name));
    }

    /** The bridge the device is enslaved to, if any. */
    Optional<String> master() {
        Path master = DEVICES.resolve(name).resolve("master");
        try {
            return Optional.of(Files.readSymbolicLink(master).getFileName().toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void join(String bridge) {
        ip("link", "set", "dev", name, "master", bridge);
    }

    /** Deletes the device; one the kernel removes meanwhile (its forwarder just ended) is gone as well. */
    void remove() {
        if (exists()) {
            try {
                ip("link", "del", "dev", name);
            } catch (CniException e) {
                if (exists()) {
                    throw e;
                }
            }
        }
    }

    /** Whether {@code name} is a Linux bridge of the host. */
    static boolean isBridge(String name) {
        return Files.isDirectory(DEVICES.resolve(name).resolve("bridge"));
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        run(command);
    }

    /** Runs {@code command} and returns its output; a failure is 5 with the output, naming the command. */
    static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.waitFor() != 0) {
                throw new CniException(ErrorCode.IO_FAILURE, "vhost-tap: " + String.join(" ", command) + " failed",
                        output);
            }
            return output;
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "vhost-tap: cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CniException(ErrorCode.TRY_AGAIN_LATER, "vhost-tap: interrupted while running "
                    + command.get(0), e);
        }
    }
}
