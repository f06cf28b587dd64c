package org.userspacecni.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code show interface} as VPP 26.10 prints it: counters beside the name, a zero counter left out. */
class VppInterfaceCountersTest {

    @Test
    void readsTheCountersVppShows() {
        String shown = """
                              Name               Idx    State  MTU (L3/IP4/IP6/MPLS)     Counter          Count    \s
                memif1/0                          1      up          9000/0/0/0     rx packets               4448256
                                                                                    rx bytes               284688384
                                                                                    tx packets                    12
                                                                                    drops                    4448256
                """;
        assertThat(VppInterfaceCounters.parse(shown)).isEqualTo(new VppInterfaceCounters(4448256, 12, 4448256));
    }

    @Test
    void aCounterVppLeavesOutIsZero() {
        String shown = """
                              Name               Idx    State  MTU (L3/IP4/IP6/MPLS)     Counter          Count    \s
                memif2/0                          2      up          9000/0/0/0     tx packets               4537088
                                                                                    tx bytes               290373632
                """;
        assertThat(VppInterfaceCounters.parse(shown)).isEqualTo(new VppInterfaceCounters(0, 4537088, 0));
    }
}
