/**
 * Load generator and side-by-side harness (gateway vs Caddy vs nginx vs direct) and JMH microbenchmarks.
 * Nothing is measured here yet: see {@code bench/README.md} for what this module will hold.
 */
package dev.cmux.bench;
