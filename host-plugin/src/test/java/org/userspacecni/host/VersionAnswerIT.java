package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.testkit.CniInvocation;

/**
 * The launcher answers VERSION without a JVM when asked the way libcni asks, and exactly as the plugin would;
 * every other question reaches the plugin with its stdin intact.
 */
class VersionAnswerIT {

    /** The questions the launcher answers itself: nothing, or {"cniVersion":"X"} for a version it speaks. */
    private static final List<String> LIBCNI_QUESTIONS = List.of("", "{\"cniVersion\":\"0.3.0\"}",
            "{\"cniVersion\":\"0.3.1\"}", "{\"cniVersion\":\"0.4.0\"}", "{\"cniVersion\":\"1.0.0\"}",
            "{\"cniVersion\":\"1.1.0\"}");

    /** Questions for the plugin itself; among them, what it must read past the launcher's first 64 bytes. */
    private static final List<String> OTHER_QUESTIONS = List.of("{\"cniVersion\":\"0.2.0\"}",
            "{\"cniVersion\":\"9.9.9\"}", "{ \"cniVersion\": \"0.4.0\" }", "{}", "not json",
            "{\"cniVersion\":\"\"}", "{\"cniVersion\":\"0.4.0\",\"name\":\"net\"}",
            "{\"cniVersion\":\"0.4.0\"}" + " ".repeat(60) + "x",
            "{\"cniVersion\":\"0.4.0\"," + " ".repeat(100) + "\"name\":\"a-network-named-past-the-first-bytes\"}",
            "{\"cniVersion\":\"" + "1".repeat(60) + "\"}");

    @Test
    void theBuildWroteThePluginsOwnAnswer() throws Exception {
        Path answer = PluginFixture.plugin().resolveSibling("userspace.d/version.json");
        assertThat(Files.readString(answer)).isEqualTo(new InProcessPlugin().run("VERSION", "").stdout());
    }

    @Test
    void libcniQuestionsAreAnsweredWithoutAJvmAsThePluginAnswersThem(@TempDir Path links) throws Exception {
        Path link = Files.createSymbolicLink(links.resolve("userspace"), PluginFixture.plugin());
        for (Path launcherPath : List.of(PluginFixture.plugin(), link)) {
            for (String question : LIBCNI_QUESTIONS) {
                CniInvocation.Outcome launcher = new CniInvocation(launcherPath)
                        .env("USERSPACE_CNI_JAVA", "/nonexistent/java").run("VERSION", question);
                assertThat(launcher.exitCode()).as(question).isZero();
                assertThat(launcher.stdout()).as(question)
                        .isEqualTo(new InProcessPlugin().run("VERSION", question).stdout());
                assertThat(launcher.stderr()).as(question).isEmpty();
            }
        }
    }

    @Test
    void otherQuestionsGoToThePluginWithTheirStdinIntact() {
        for (String question : OTHER_QUESTIONS) {
            assertThat(new CniInvocation(PluginFixture.plugin())
                    .env("USERSPACE_CNI_JAVA", "/nonexistent/java").run("VERSION", question).exitCode())
                    .as("the JVM is started for " + question).isNotZero();
            CniInvocation.Outcome launcher = new CniInvocation(PluginFixture.plugin()).run("VERSION", question);
            InProcessPlugin.Outcome plugin = new InProcessPlugin().run("VERSION", question);
            assertThat(launcher.exitCode()).as(question).isEqualTo(plugin.exitCode());
            assertThat(launcher.stdout()).as(question).isEqualTo(plugin.stdout());
        }
    }
}
