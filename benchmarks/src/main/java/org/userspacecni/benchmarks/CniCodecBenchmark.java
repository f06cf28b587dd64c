package org.userspacecni.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.userspacecni.core.Json;
import org.userspacecni.core.cni.CniResult;
import org.userspacecni.core.cni.CniVersion;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.core.cni.ResultCodec;
import org.userspacecni.spi.NetConf;

/** The CNI protocol's two documents: a network configuration read from stdin, a result written to stdout. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CniCodecBenchmark {

    static final byte[] CONFIG = ("{\"cniVersion\":\"1.1.0\",\"name\":\"userspace-ovs-net-1\",\"type\":\"userspace\","
            + "\"logFile\":\"/var/log/userspace-ovs-net-1-cni.log\",\"logLevel\":\"info\","
            + "\"host\":{\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"netType\":\"bridge\","
            + "\"vhost\":{\"mode\":\"client\"},\"bridge\":{\"bridgeName\":\"br-4\",\"vlanId\":100}},"
            + "\"container\":{\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"netType\":\"interface\","
            + "\"vhost\":{\"mode\":\"server\"}},\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.56.217.0/24\","
            + "\"rangeStart\":\"10.56.217.131\",\"rangeEnd\":\"10.56.217.190\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}],"
            + "\"gateway\":\"10.56.217.1\"}}").getBytes(StandardCharsets.UTF_8);

    static final CniResult RESULT = CniResult.empty().withInterface(new CniResult.NetInterface("net1",
            Optional.of("02:00:0a:38:d9:83"), Optional.of(1500), Optional.of("/var/run/netns/pod-a"),
            Optional.of("/var/lib/cni/usrspcni/shared/0123456789ab-net1"), Optional.empty()),
            new CniResult(List.of(), List.of(new CniResult.IpConfig("10.56.217.131/24",
                    Optional.of("10.56.217.1"), Optional.empty())), List.of(new CniResult.Route("0.0.0.0/0",
                            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                            Optional.empty(), Optional.empty())), Optional.empty()));

    @Benchmark
    public NetConf parseNetworkConfiguration() {
        return NetConfDecoder.netConf(NetConfDecoder.parseObject(CONFIG));
    }

    @Benchmark
    public byte[] renderResult() throws JsonProcessingException {
        return Json.mapper().writeValueAsBytes(ResultCodec.render(RESULT, CniVersion.V1_1_0));
    }
}
