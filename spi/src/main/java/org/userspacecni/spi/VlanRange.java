package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a trunk's list, as ovs-cni writes it: one VLAN ({@code {"id": 10}}) or a range of them
 * ({@code {"minID": 20, "maxID": 29}}, both ends included).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VlanRange(
        @ConfigDoc(value = "One VLAN the trunk carries.", allowed = "1 to {MAX_VLAN_ID}; not with `minID`, `maxID`")
        Optional<Integer> id,
        @ConfigDoc(value = "The first VLAN of a range the trunk carries.", allowed = "1 to `maxID`")
        Optional<Integer> minID,
        @ConfigDoc(value = "The last VLAN of a range the trunk carries.", allowed = "`minID` to {MAX_VLAN_ID}")
        Optional<Integer> maxID) {

    public static final int MAX_VLAN_ID = BridgeConfig.MAX_VLAN_ID;

    public VlanRange {
        id = Objects.requireNonNullElse(id, Optional.empty());
        minID = Objects.requireNonNullElse(minID, Optional.empty());
        maxID = Objects.requireNonNullElse(maxID, Optional.empty());
        if (id.isPresent() == (minID.isPresent() || maxID.isPresent()) || minID.isPresent() != maxID.isPresent()) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "give either 'id' or both 'minID' and 'maxID'");
        }
        BridgeConfig.vlanIn("id", id);
        BridgeConfig.vlanIn("minID", minID);
        BridgeConfig.vlanIn("maxID", maxID);
        if (minID.isPresent() && minID.get() > maxID.get()) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "'minID' " + minID.get() + " is above 'maxID' "
                    + maxID.get());
        }
    }

    /** One VLAN. */
    public static VlanRange of(int id) {
        return new VlanRange(Optional.of(id), Optional.empty(), Optional.empty());
    }

    /** The VLANs {@code first} to {@code last}. */
    public static VlanRange of(int first, int last) {
        return new VlanRange(Optional.empty(), Optional.of(first), Optional.of(last));
    }

    /** The lowest VLAN of the entry. */
    public int first() {
        return id.orElseGet(minID::get);
    }

    /** The highest VLAN of the entry. */
    public int last() {
        return id.orElseGet(maxID::get);
    }
}
