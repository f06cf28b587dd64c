package org.userspacecni.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Mermaid diagram (a {@code ```mermaid} block) in the repository's Markdown parses with Mermaid's own
 * parser: the {@code mermaid} package from the npm registry, which scripts/test installs and names in
 * {@code usrsp.mermaid}, run by Node.
 */
class MermaidDiagramsTest {

    private static final Path PARSER = Path.of("src/test/node/parse-mermaid.mjs");

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.userspacecni.docs.MermaidDiagram#all")
    void theDiagramParses(MermaidDiagram diagram) throws Exception {
        assertThat(parse(diagram.text())).as("the Mermaid diagram at %s", diagram).isEmpty();
    }

    @Test
    void aBrokenDiagramIsRejected() throws Exception {
        assertThat(parse("flowchart LR\n    spi --> \n")).contains("Parse error");
        assertThat(parse("sequenceDiagram\n    runtime->>: ADD\n")).contains("Parse error");
    }

    /** What the parser says against the diagram; empty if it parses. */
    private static String parse(String diagram) throws IOException, InterruptedException {
        Path mermaid = Path.of(System.getProperty("usrsp.mermaid", ""));
        assertThat(mermaid.resolve("package.json")).as("Mermaid, installed by scripts/test (usrsp.mermaid)")
                .isRegularFile();
        Path output = Files.createTempFile("mermaid", ".out");
        try {
            Process node = new ProcessBuilder("node", PARSER.toString(), mermaid.toString())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            try (OutputStream stdin = node.getOutputStream()) {
                stdin.write(diagram.getBytes(StandardCharsets.UTF_8));
            }
            if (!node.waitFor(60, TimeUnit.SECONDS)) {
                node.destroyForcibly();
                return "node did not parse within 60 s";
            }
            String said = Files.readString(output);
            return node.exitValue() == 0 ? "" : "exit " + node.exitValue() + ": " + said;
        } finally {
            Files.delete(output);
        }
    }
}
