/**
 * The cluster sample: three server instances found through ZooKeeper and a client that
 * spreads its calls over them, all in one JVM.
 */
package io.easyrpc.sample.cluster;
