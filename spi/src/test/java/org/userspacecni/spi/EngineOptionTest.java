package org.userspacecni.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An engine option is read alike everywhere: the section's {@code options}, else its variable, else unset. */
class EngineOptionTest {

    private static final EngineOption SOCKET = new EngineOption("apiSocket", EngineOption.BOTH_SECTIONS,
            Optional.of("EXAMPLE_API_SOCKET"), "`/run/example.sock`", "", "The switch's API socket.");

    @Test
    void theSectionWinsOverTheVariable() {
        assertThat(SOCKET.value(side(Map.of("apiSocket", "/from/config")), context(Map.of("EXAMPLE_API_SOCKET",
                "/from/environment")))).contains("/from/config");
    }

    @Test
    void theVariableServesWhereTheSectionIsSilentOrEmpty() {
        BackendContext context = context(Map.of("EXAMPLE_API_SOCKET", "/from/environment"));
        assertThat(SOCKET.value(side(Map.of()), context)).contains("/from/environment");
        assertThat(SOCKET.value(side(Map.of("apiSocket", "")), context)).contains("/from/environment");
        assertThat(SOCKET.value(context)).contains("/from/environment");
    }

    @Test
    void neitherLeavesItUnsetForTheEnginesDefault() {
        assertThat(SOCKET.value(side(Map.of()), context(Map.of("EXAMPLE_API_SOCKET", "")))).isEmpty();
        EngineOption noVariable = new EngineOption("queues", Set.of(EngineOption.Section.CONTAINER),
                Optional.empty(), "1", "a positive number", "Queue pairs.");
        assertThat(noVariable.value(side(Map.of()), context(Map.of("queues", "4")))).isEmpty();
    }

    @Test
    void aValueOfAnotherJsonTypeIsErrorSix() {
        assertThatThrownBy(() -> SOCKET.value(side(Map.of("apiSocket", 42)), context(Map.of())))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(6))
                .hasMessage("options.apiSocket must be a string");
    }

    @Test
    void aDeclarationNeedsANameAnOptionsKeyCanHoldAndASection() {
        assertThatThrownBy(() -> new EngineOption("api.socket", EngineOption.BOTH_SECTIONS, Optional.empty(), "",
                "", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EngineOption("apiSocket", Set.of(), Optional.empty(), "", "", "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Side side(Map<String, Object> options) {
        return new Side("example", InterfaceType.VHOSTUSER, null, null, null, null, options);
    }

    private static BackendContext context(Map<String, String> environment) {
        return new BackendContext() {
            @Override
            public Optional<String> environment(String name) {
                return Optional.ofNullable(environment.get(name));
            }

            @Override
            public System.Logger logger() {
                return System.getLogger("test");
            }
        };
    }
}
