package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The {@code ipam} section, as far as this plugin reads it: the type names the IPAM plugin on
 * {@code CNI_PATH}. The plugin receives the whole configuration, so its own fields need no model here.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record IpamConfig(
        @ConfigDoc(value = "The IPAM plugin's file name, found on `CNI_PATH`; not found is error 7.",
                defaultValue = "required", allowed = "a letter or digit, then letters, digits, `_`, `.`, `+`, `-`")
        String type) {

    public IpamConfig {
        if (type == null || type.isEmpty()) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "missing 'ipam.type'");
        }
        if (!type.matches("[A-Za-z0-9][A-Za-z0-9_.+-]*")) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                    "'ipam.type' must be a plugin file name: '" + type + "'");
        }
    }
}
