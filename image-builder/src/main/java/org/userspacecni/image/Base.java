package org.userspacecni.image;

import java.util.List;

/**
 * The base images an image can be built on: the image (pinned by tag, never {@code latest}), how packages
 * are installed there, and where OVS puts its DPDK daemon and schema. The Dockerfile logic is the same for
 * all; only these lines differ.
 */
enum Base {
    CENTOS_STREAM9("centos-stream9", "quay.io/centos/centos:stream9", PackageManager.DNF,
            "/usr/sbin/ovs-vswitchd", "/usr/share/openvswitch/vswitch.ovsschema"),
    CENTOS_STREAM10("centos-stream10", "quay.io/centos/centos:stream10", PackageManager.DNF,
            "/usr/sbin/ovs-vswitchd", "/usr/share/openvswitch/vswitch.ovsschema"),
    DEBIAN12("debian12", "docker.io/library/debian:12.8-slim", PackageManager.APT,
            "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk", "/usr/share/openvswitch/vswitch.ovsschema");

    private final String option;
    private final String image;
    private final PackageManager packages;
    private final String vswitchd;
    private final String schema;

    Base(String option, String image, PackageManager packages, String vswitchd, String schema) {
        this.option = option;
        this.image = image;
        this.packages = packages;
        this.vswitchd = vswitchd;
        this.schema = schema;
    }

    String option() {
        return option;
    }

    String image() {
        return image;
    }

    PackageManager packages() {
        return packages;
    }

    String vswitchd() {
        return vswitchd;
    }

    String schema() {
        return schema;
    }

    static Base of(String option) {
        for (Base base : values()) {
            if (base.option.equals(option)) {
                return base;
            }
        }
        throw new IllegalArgumentException("--base must be one of " + List.of(options(values())) + ", not '"
                + option + "'");
    }

    private static String[] options(Base[] bases) {
        String[] names = new String[bases.length];
        for (int i = 0; i < bases.length; i++) {
            names[i] = bases[i].option;
        }
        return names;
    }
}
