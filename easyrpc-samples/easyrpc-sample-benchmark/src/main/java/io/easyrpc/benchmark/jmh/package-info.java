/**
 * JMH benchmarks of the serialization path: the object codec against Jackson JSON on the
 * same objects, and the frame codec alone. Run with {@code jmh.sh} from the module.
 */
package io.easyrpc.benchmark.jmh;
