package dev.cmux.bench.harness;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** What one measurement is of: a scenario, on a target, in a round; every line it writes carries these. */
record Labels(String scenario, String target, int round) {

    /** The load generator copies {@code --tag.NAME VALUE} into its result line. */
    List<String> tags() {
        return List.of("--tag.scenario", scenario, "--tag.target", target, "--tag.round", String.valueOf(round));
    }

    ObjectNode putInto(ObjectNode line) {
        return line.put("scenario", scenario).put("target", target).put("round", round);
    }

    @Override
    public String toString() {
        return scenario + " " + target + " round " + round;
    }
}
