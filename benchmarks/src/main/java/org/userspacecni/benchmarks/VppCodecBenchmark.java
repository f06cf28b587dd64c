package org.userspacecni.benchmarks;

import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.userspacecni.backend.vpp.api.ApiDefinitions;
import org.userspacecni.backend.vpp.api.Codec;

/**
 * VPP's binary API as the engine speaks it: a {@code memif_create_v2} request encoded, a
 * {@code sw_interface_details} message (the biggest the engine reads often) decoded, and, once per process,
 * the definitions read from the jar.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class VppCodecBenchmark {

    Codec codec;
    byte[] details;

    @Setup
    public void setUp() {
        codec = new Codec(ApiDefinitions.standard());
        details = codec.encode("sw_interface_details", Map.of("_vl_msg_id", 1025, "context", 34, "sw_if_index", 5,
                "l2_address", HexFormat.of().parseHex("02fe00000001"), "flags", 3, "interface_name", "memif1/0",
                "tag", "usrsp:1a2b3c4d:0123456789abcdef0123456789abcdef:net1"));
    }

    @Benchmark
    public byte[] encodeMemifCreate() {
        return codec.encode("memif_create_v2", Map.of("_vl_msg_id", 1003, "client_index", 0x80000001L,
                "context", 11, "role", 0, "mode", 0, "socket_id", 1, "ring_size", 1024, "buffer_size", 2048,
                "hw_addr", HexFormat.of().parseHex("02fe00000001"), "secret", ""));
    }

    @Benchmark
    public Map<String, Object> decodeInterfaceDetails() {
        return codec.decode("sw_interface_details", details);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public ApiDefinitions readDefinitions() {
        return ApiDefinitions.standard();
    }
}
