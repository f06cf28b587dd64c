package org.userspacecni.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import org.userspacecni.core.Json;

/**
 * The plugin's stdout, which belongs to the CNI protocol: the one place that writes a result or an error
 * object there. Nothing else in the program may touch {@code System.out} (an ArchUnit rule checks it).
 */
final class CniOutput {

    private final PrintStream stdout;

    CniOutput(PrintStream stdout) {
        this.stdout = stdout;
    }

    static CniOutput system() {
        return new CniOutput(System.out);
    }

    void print(JsonNode document) {
        byte[] bytes = Json.write(document);
        stdout.write(bytes, 0, bytes.length);
        stdout.write('\n');
        stdout.flush();
    }
}
