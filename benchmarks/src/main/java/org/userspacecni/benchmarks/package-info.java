/**
 * JMH benchmarks of what one plugin invocation does in process, apart from starting the JVM: parsing the
 * network configuration, rendering the result, encoding and decoding an OVSDB transaction and a VPP API
 * message. {@code scripts/bench} runs them and {@code docs/benchmarks.md} records the figures.
 */
package org.userspacecni.benchmarks;
