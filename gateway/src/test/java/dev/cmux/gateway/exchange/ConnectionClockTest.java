package dev.cmux.gateway.exchange;

import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.Timeouts;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client connection's one timer, on an embedded channel whose clock the test moves: the deadlines fire when
 * they did with a task per state, and a connection that serves many requests keeps one scheduled task throughout.
 */
class ConnectionClockTest {

    private static final Duration HEAD = Duration.ofSeconds(30);
    private static final Duration IDLE = Duration.ofSeconds(300);
    private static final Duration RESPONSE = Duration.ofSeconds(300);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private ConnectionClock clock;
    private EmbeddedChannel channel;

    private void open(Timeouts timeouts) {
        clock = new ConnectionClock(timeouts);
        channel = new EmbeddedChannel();
        channel.freezeTime(); // only advance() moves it: a loaded machine's real time must not reach a deadline
        channel.pipeline().addLast(clock);
        channel.pipeline().fireChannelActive(); // as a new connection: the first request head is due in HEAD
    }

    private void open() {
        open(timeouts(IDLE));
    }

    private static Timeouts timeouts(Duration clientIdle) {
        return GatewayConfig.builder().requestHeadTimeout(HEAD).clientIdleTimeout(clientIdle)
                .responseHeadersTimeout(RESPONSE).build().timeouts();
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** Moves the channel's clock and runs whatever timer came due. */
    private void advance(long nanos) {
        channel.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    /** Raw bytes from the client, as the clock sees them before the HTTP codec. */
    private void clientSends(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
        channel.releaseInbound();
    }

    /** One keep-alive request as ClientConnection and Exchange drive the clock, answered at once. */
    private void oneRequest(Runnable onResponseTimeout) {
        clientSends("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        clock.requestStarted();
        clock.startResponseTimeout(RESPONSE.toNanos(), onResponseTimeout);
        clock.stopResponseTimeout(onResponseTimeout);
        clock.waitingForRequest();
    }

    private void assertAnswered408AndClosed() {
        FullHttpResponse response = channel.readOutbound();
        try {
            assertEquals(408, response.status().code());
            assertEquals("request-timeout", response.headers().get("x-gateway-error"));
        } finally {
            response.release();
        }
        assertFalse(channel.isOpen(), "closed after the 408");
    }

    private void assertStillWaiting() {
        assertTrue(channel.isOpen());
        assertNull(channel.readOutbound());
    }

    @Test
    void aNewConnectionGets408WhenNoRequestHeadArrivesWithinRequestHead() {
        open();
        advance(HEAD.toNanos() - MS);
        assertStillWaiting();
        advance(MS);
        assertAnswered408AndClosed();
    }

    @Test
    void theHeadTimeoutRunsFromTheFirstByteAfterAnIdleSpell() {
        open();
        oneRequest(() -> { });
        advance(HEAD.toNanos() + 10_000 * MS); // idle longer than a request head may take, within clientIdle
        assertStillWaiting();
        clientSends("GET / HTTP/1.1\r\nX-Slow: ");
        advance(HEAD.toNanos() - MS);
        assertStillWaiting();
        advance(MS);
        assertAnswered408AndClosed();
    }

    @Test
    void aCompleteHeadStopsTheHeadTimeout() {
        open();
        clientSends("GET / HTTP/1.1\r\n");
        clock.requestStarted();
        advance(IDLE.toNanos() * 2);
        assertStillWaiting();
    }

    @Test
    void anIdleConnectionClosesAfterClientIdleCountedFromTheLastResponse() {
        open();
        oneRequest(() -> { });
        advance(IDLE.toNanos() - 60_000 * MS);
        oneRequest(() -> { }); // the deadline moves 240 s later
        advance(60_000 * MS);
        assertTrue(channel.isOpen(), "the timer woke at the old deadline and slept on");
        advance(IDLE.toNanos() - 60_000 * MS - MS);
        assertTrue(channel.isOpen());
        advance(MS);
        assertFalse(channel.isOpen(), "closed clientIdle after the last response");
        assertNull(channel.readOutbound(), "an idle connection is closed without an answer");
    }

    @Test
    void aResponseTimeoutThatMovesLaterFiresOnceAtItsNewDeadline() {
        open();
        clientSends("GET / HTTP/1.1\r\n\r\n");
        clock.requestStarted();
        AtomicInteger fired = new AtomicInteger();
        Runnable onTimeout = fired::incrementAndGet;
        clock.startResponseTimeout(RESPONSE.toNanos(), onTimeout);
        advance(RESPONSE.toNanos() / 2);
        clock.startResponseTimeout(RESPONSE.toNanos(), onTimeout); // a retry on a new backend connection
        advance(RESPONSE.toNanos() / 2 + MS);
        assertEquals(0, fired.get(), "not at the first deadline");
        advance(RESPONSE.toNanos() / 2 - 2 * MS);
        assertEquals(0, fired.get());
        advance(MS);
        assertEquals(1, fired.get(), "at the second deadline");
        advance(IDLE.toNanos() * 2);
        assertEquals(1, fired.get(), "once");
        assertTrue(channel.isOpen(), "what a late response means is the exchange's to say");
    }

    @Test
    void onlyTheExchangeThatStartedTheResponseTimeoutStopsIt() {
        open();
        clock.requestStarted();
        AtomicInteger fired = new AtomicInteger();
        Runnable current = fired::incrementAndGet;
        clock.startResponseTimeout(RESPONSE.toNanos(), current);
        clock.stopResponseTimeout(() -> { });
        advance(RESPONSE.toNanos());
        assertEquals(1, fired.get());
    }

    @Test
    void aResponseTimeoutShorterThanTheConnectionsOwnIsStillOnTime() {
        open(); // a reload made responseHeaders 5 s after this connection was opened with 300 s
        clientSends("GET / HTTP/1.1\r\n\r\n");
        clock.requestStarted();
        advance(HEAD.toNanos() - 20_000 * MS); // the timer sleeps until 30 s
        AtomicInteger fired = new AtomicInteger();
        clock.startResponseTimeout(5_000 * MS, fired::incrementAndGet);
        advance(5_000 * MS - MS);
        assertEquals(0, fired.get());
        advance(MS);
        assertEquals(1, fired.get());
    }

    @Test
    void aClientIdleOfZeroClosesAsSoonAsTheResponseIsDone() {
        open(timeouts(Duration.ZERO));
        oneRequest(() -> { });
        advance(0);
        assertFalse(channel.isOpen());
    }

    @Test
    void manyRequestsOnOneConnectionKeepOneScheduledTask() {
        open();
        Object timer = theOnlyScheduledTask();
        for (int i = 0; i < 10_000; i++) { // 10 s of requests, one a millisecond: less than the shortest timeout
            oneRequest(() -> { });
            advance(MS);
            assertSame(timer, theOnlyScheduledTask(), "request " + i + " scheduled a task of its own");
        }
        Set<Object> timers = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < 10_000; i++) { // 100 s of requests, one each 10 ms: the timer wakes, sleeps again
            oneRequest(() -> { });
            advance(10 * MS);
            timers.add(theOnlyScheduledTask());
        }
        assertTrue(timers.size() <= 100 / HEAD.toSeconds() + 2, timers.size() + " tasks for 10,000 requests");
        assertStillWaiting();
    }

    @Test
    void aClosedConnectionLeavesNoTask() {
        open();
        oneRequest(() -> { });
        channel.close();
        assertTrue(scheduledTasks().isEmpty());
    }

    /** The one task in the event loop's scheduled queue: the clock's timer. */
    private Object theOnlyScheduledTask() {
        List<?> tasks = List.copyOf(scheduledTasks());
        assertEquals(1, tasks.size(), "scheduled tasks: " + tasks);
        return tasks.get(0);
    }

    /** Netty has no public view of an event loop's scheduled tasks; the embedded loop's queue is read directly. */
    private Collection<?> scheduledTasks() {
        try {
            Method queue = AbstractScheduledEventExecutor.class.getDeclaredMethod("scheduledTaskQueue");
            queue.setAccessible(true);
            Collection<?> tasks = (Collection<?>) queue.invoke(channel.eventLoop());
            return tasks == null ? List.of() : tasks;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("this Netty keeps its scheduled tasks elsewhere", e);
        }
    }
}
