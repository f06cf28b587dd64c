package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alerting rules in deploy/prometheus as Prometheus' own tool reads them: {@code promtool check rules} parses
 * every expression, and {@code promtool test rules} runs their unit tests (each alert fires on the series that
 * should raise it, with its labels and annotations, and not on the others). PortMetricsIT checks that the series
 * they name are the ones the daemon serves.
 */
class AlertRulesTest {

    static final Path DIR = Path.of("..", "deploy", "prometheus");
    static final Path RULES = DIR.resolve("userspace-cni-alerts.yaml");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @Test
    void promtoolParsesTheRules() throws Exception {
        assertThat(promtool("check", "rules", RULES.getFileName().toString())).contains("SUCCESS: 5 rules found");
    }

    @Test
    void eachAlertFiresOnWhatShouldRaiseItAndOnNothingElse() throws Exception {
        assertThat(promtool("test", "rules", "userspace-cni-alerts.test.yaml")).contains("SUCCESS");
    }

    private static String promtool(String... args) throws IOException, InterruptedException {
        assertThat(PROMTOOL).as("Debian's prometheus package, which scripts/test installs").isExecutable();
        String[] command = new String[args.length + 1];
        command[0] = PROMTOOL.toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(said).isZero();
        return said;
    }

    /** The expressions of the rules, one line each in the file. */
    static List<String> expressions() throws IOException {
        return Files.readAllLines(RULES).stream().map(String::strip).filter(line -> line.startsWith("expr: "))
                .map(line -> line.substring("expr: ".length())).toList();
    }
}
