package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel's list format of CPUs and NUMA nodes, read and written back as the kernel writes it. */
class KernelListTest {

    @Test
    void rangesAndSingleNumbersAreRead() {
        assertThat(KernelList.parse("0-3,8,10-11\n").numbers()).containsExactly(0, 1, 2, 3, 8, 10, 11);
        assertThat(KernelList.parse("5").numbers()).containsExactly(5);
    }

    @Test
    void itIsWrittenBackWithRuns() {
        assertThat(KernelList.of(List.of(11, 0, 2, 1, 3, 8, 10))).hasToString("0-3,8,10-11");
        assertThat(KernelList.parse("4,5")).hasToString("4-5");
        assertThat(KernelList.parse("0-3,8,10-11").first(5)).hasToString("0-3,8");
    }

    /** A v1 cpuset nobody configured shows an empty line. */
    @Test
    void anEmptyLineIsNoNumbers() {
        assertThat(KernelList.parse("\n").isEmpty()).isTrue();
        assertThat(KernelList.parse("")).hasToString("");
    }

    @Test
    void whatIsMissingFromAnotherListIsNamed() {
        assertThat(KernelList.parse("0-3").without(KernelList.parse("2-5"))).hasToString("0-1");
    }

    @Test
    void anythingElseIsRefusedShowingTheFormat() {
        assertThatThrownBy(() -> KernelList.parse("0-3,x")).hasMessage("'0-3,x' is not a list such as 0-3,8,10-11");
        assertThatThrownBy(() -> KernelList.parse("3-1")).hasMessageContaining("ends before it starts");
        assertThatThrownBy(() -> KernelList.parse("1,,2")).hasMessageContaining("is not a list");
    }
}
