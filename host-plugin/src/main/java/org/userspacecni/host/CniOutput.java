package org.userspacecni.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import org.userspacecni.core.Json;

/**
 * The plugin's stdout, which belongs to the CNI protocol: the one place that writes a result or an error
 * object there, and that hands it to an operator's command whose report goes there ({@link #forReport}). Nothing
 * else in the program may touch {@code System.out} (an ArchUnit rule checks it).
 */
final class CniOutput {

    private final PrintStream stdout;

    CniOutput(PrintStream stdout) {
        this.stdout = stdout;
    }

    static CniOutput system() {
        return new CniOutput(System.out);
    }

    /**
     * Stdout for an operator's command that exists to print a report ({@code userspace status}, {@code userspace
     * metrics}): a process started with arguments, which no runtime reads as a CNI answer.
     */
    static PrintStream forReport() {
        return System.out;
    }

    void print(JsonNode document) {
        byte[] bytes = Json.write(document);
        stdout.write(bytes, 0, bytes.length);
        stdout.write('\n');
        stdout.flush();
    }
}
