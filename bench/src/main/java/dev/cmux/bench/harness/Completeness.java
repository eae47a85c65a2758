package dev.cmux.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which scenario produced numbers on which target. A result counts when it counted at least one answer; a scenario
 * that did not, in any round, on a target it ran on, is a gap, and a run with a gap fails: its table would have an
 * empty row, and a smoke run exists to catch exactly that.
 */
final class Completeness {

    /** scenario → target → [rounds run, rounds with numbers] */
    private final Map<String, Map<String, int[]>> rounds = new LinkedHashMap<>();

    void record(Labels labels, Optional<? extends JsonNode> result) {
        int[] counts = rounds.computeIfAbsent(labels.scenario(), s -> new LinkedHashMap<>())
                .computeIfAbsent(labels.target(), t -> new int[2]);
        counts[0]++;
        if (counted(result)) {
            counts[1]++;
        }
    }

    /** Whether a result counted at least one answer. */
    static boolean counted(Optional<? extends JsonNode> result) {
        return result.map(r -> r.path("count").asLong(0) > 0).orElse(false);
    }

    /** One sentence per gap, naming the scenario and the target; empty when every pair has numbers. */
    List<String> gaps() {
        List<String> out = new ArrayList<>();
        rounds.forEach((scenario, byTarget) -> byTarget.forEach((target, counts) -> {
            if (counts[1] == 0) {
                out.add("Scenario " + scenario + " produced no numbers for target " + target + " (in "
                        + counts[0] + (counts[0] == 1 ? " round" : " rounds")
                        + "); the load generator's messages are in load.log, wrk's reports in wrk-*.txt.");
            }
        }));
        return out;
    }
}
