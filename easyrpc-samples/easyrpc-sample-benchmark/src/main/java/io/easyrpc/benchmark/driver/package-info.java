/**
 * The load driver: one connection per target, a closed loop of {@code C} calls
 * outstanding, a warm-up and then a timed window whose latencies go into an HdrHistogram.
 * Prints one JSON line.
 */
package io.easyrpc.benchmark.driver;
