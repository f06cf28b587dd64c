package org.userspacecni.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/** A real group made for one test with {@code groupadd} and removed by name with {@code groupdel}. */
final class SystemGroup implements AutoCloseable {

    final String name;

    private SystemGroup(String name) {
        this.name = name;
    }

    static SystemGroup create() {
        SystemGroup group = new SystemGroup("usrsp" + UUID.randomUUID().toString().substring(0, 8));
        run("groupadd", group.name);
        return group;
    }

    @Override
    public void close() {
        run("groupdel", name);
    }

    private static void run(String... command) {
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
