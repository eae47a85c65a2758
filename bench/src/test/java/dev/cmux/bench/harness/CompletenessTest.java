package dev.cmux.bench.harness;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompletenessTest {

    @Test
    void aRunWhereEveryScenarioCountedAnswersOnEveryTargetHasNoGaps() {
        Completeness c = new Completeness();
        c.record(new Labels("small", "gateway", 1), counted(100));
        c.record(new Labels("small", "caddy", 1), counted(80));
        assertEquals(List.of(), c.gaps());
    }

    @Test
    void aScenarioThatGaveNoResultOnATargetIsAGapNamingBoth() {
        Completeness c = new Completeness();
        c.record(new Labels("small", "gateway", 1), counted(100));
        c.record(new Labels("small-rate", "caddy", 1), Optional.empty());
        assertEquals(List.of("Scenario small-rate produced no numbers for target caddy (in 1 round); the load "
                + "generator's messages are in load.log, wrk's reports in wrk-*.txt."), c.gaps());
    }

    @Test
    void aResultThatCountedNothingIsNoNumbers() {
        Completeness c = new Completeness();
        c.record(new Labels("idle-ws", "nginx", 1), counted(0));
        assertEquals(1, c.gaps().size());
        assertTrue(c.gaps().get(0).startsWith("Scenario idle-ws produced no numbers for target nginx"));
    }

    @Test
    void oneRoundWithNumbersIsEnoughForTheMedian() {
        Completeness c = new Completeness();
        c.record(new Labels("10m", "caddy", 1), Optional.empty());
        c.record(new Labels("10m", "caddy", 2), counted(12));
        c.record(new Labels("10m", "caddy", 3), Optional.empty());
        assertEquals(List.of(), c.gaps());
    }

    private static Optional<ObjectNode> counted(long count) {
        return Optional.of(JsonNodeFactory.instance.objectNode().put("count", count));
    }
}
