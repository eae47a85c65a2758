/**
 * The bench command line ({@link dev.cmux.bench.Main}): load modes in {@code load}, the stand-in backend in
 * {@code backend}, the side-by-side run that {@code bench/run.sh} hands over to in {@code harness}, the result tables
 * and charts in {@code report}, JMH benchmarks in {@code micro} (and one in the gateway's {@code proxy} package, for
 * its package-private header classes).
 */
package dev.cmux.bench;
