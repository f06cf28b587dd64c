package org.userspacecni.image;

/**
 * What runs in the container: its own OVS-DPDK (the seed image), a DPDK application on the sockets, or its own
 * VPP.
 */
enum Variant {
    OVS("a local OVS-DPDK joined to the host switch by usrsp-agent", "status"),
    DPDK("DPDK applications (testpmd, l3fwd) started on the attachments with usrsp-agent eal-args",
            "status --sockets"),
    VPP("a local VPP joined to the host's VPP over memif or vhost-user by usrsp-agent", "status");

    private final String description;
    private final String healthCheck;

    Variant(String description, String healthCheck) {
        this.description = description;
        this.healthCheck = healthCheck;
    }

    /**
     * The {@code usrsp-agent} command of the image's health check: the links of the container's OVS or VPP
     * (the agent's default API socket is VPP's, where the entrypoint starts it), or, where the DPDK
     * application is the datapath, whether the attachments' sockets are there.
     */
    String healthCheck() {
        return healthCheck;
    }

    String option() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    String description() {
        return description;
    }

    static Variant of(String option) {
        for (Variant variant : values()) {
            if (variant.option().equals(option)) {
                return variant;
            }
        }
        throw new IllegalArgumentException("--variant must be ovs, dpdk or vpp, not '" + option + "'");
    }
}
